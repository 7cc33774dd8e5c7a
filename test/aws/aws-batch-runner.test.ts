import {
  BatchClient,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DescribeJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommandInput,
} from '@aws-sdk/client-batch';
import assert from 'node:assert/strict';
import { createBatchClient } from '../../src/aws/clients';
import { AwsBatchRunner, batchJobName, batchJobState, DEFAULT_EVALUATE_ON_EXIT, STOP_REASON_PREFIX } from '../../src/jobs/aws-batch-runner';
import type { RemoteJobState, ScoringJobSpec } from '../../src/jobs/remote-job';
import { MotoServer, startMoto } from '../helpers/moto';

function scoringSpec(batchId: string, n: number): ScoringJobSpec {
  return {
    kind: 'scoring',
    batchId,
    modelName: 'reviews',
    modelVersion: 'v3',
    processedKeys: Array.from({ length: n }, (_, i) => `processed/${batchId}/shard-${String(i).padStart(5, '0')}.jsonl`),
    resultKeys: Array.from({ length: n }, (_, i) => `results/${batchId}/part-${String(i).padStart(5, '0')}.jsonl`),
  };
}

/** moto needs the compute environment's service role in its IAM; the project has no IAM SDK, so one Query call. */
async function createRole(moto: MotoServer, name: string): Promise<string> {
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: name,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'batch.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
  });
  const res = await fetch(moto.endpoint, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      // moto routes by the credential scope's service name; it does not check the signature.
      Authorization: 'AWS4-HMAC-SHA256 Credential=testing/20240514/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!res.ok || !arn) throw new Error(`CreateRole failed: ${res.status} ${text.slice(0, 300)}`);
  return arn;
}

/** Docker-less Batch: jobs (and array children) end at submit, SUCCEEDED or (with MOTO_SIMPLE_BATCH_FAIL_AFTER) FAILED. */
async function setUpQueue(moto: MotoServer, batch: BatchClient): Promise<void> {
  const res = await fetch(`${moto.endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ batch: { use_docker: false } }) });
  assert.ok(res.ok);
  const serviceRole = await createRole(moto, 'nlp-batch-service');
  await batch.send(
    new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'nlp-ce', type: 'UNMANAGED', state: 'ENABLED', serviceRole }),
  );
  await batch.send(
    new CreateJobQueueCommand({
      jobQueueName: 'nlp-queue',
      priority: 1,
      state: 'ENABLED',
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'nlp-ce' }],
    }),
  );
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: 'nlp-score',
      type: 'container',
      containerProperties: {
        image: 'nlp-batch:latest',
        command: ['score'],
        resourceRequirements: [
          { type: 'VCPU', value: '1' },
          { type: 'MEMORY', value: '2048' },
        ],
        environment: [{ name: 'STORE', value: 's3' }],
      },
    }),
  );
}

/** Records what the runner sends: moto does not store retryStrategy from SubmitJob, so the request is the evidence. */
function recordSubmits(batch: BatchClient): SubmitJobCommandInput[] {
  const submits: SubmitJobCommandInput[] = [];
  batch.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SubmitJobCommand') submits.push(structuredClone(args.input as SubmitJobCommandInput));
      return next(args);
    },
    { step: 'initialize', name: 'recordSubmits' },
  );
  return submits;
}

describe('AwsBatchRunner', () => {
  describe('over the wire (moto Batch, no Docker)', () => {
    let moto: MotoServer;
    let batch: BatchClient;
    let submits: SubmitJobCommandInput[];

    before(async () => {
      moto = await startMoto();
      batch = createBatchClient(moto.settings);
      submits = recordSubmits(batch);
      await setUpQueue(moto, batch);
    });
    after(async () => {
      batch?.destroy();
      await moto?.stop();
    });

    it('submits an array job of N children with SPEC_KEY, retry strategy and timeout, and reports success', async () => {
      const runner = new AwsBatchRunner({
        client: batch,
        jobQueue: 'nlp-queue',
        jobDefinition: 'nlp-score',
        attempts: 4,
        attemptDurationSeconds: 900,
        environment: { STORE: 's3', S3_BUCKET: 'nlp-store' },
      });
      const jobId = await runner.submit(scoringSpec('b1', 3), 'b1-scoring');
      const sent = submits[submits.length - 1];
      assert.equal(sent.jobName, 'b1-scoring');
      assert.deepEqual(sent.arrayProperties, { size: 3 });
      assert.deepEqual(sent.parameters, { specKey: 'jobs/b1/scoring.json' });
      assert.deepEqual(sent.containerOverrides?.environment, [
        { name: 'STORE', value: 's3' },
        { name: 'S3_BUCKET', value: 'nlp-store' },
        { name: 'SPEC_KEY', value: 'jobs/b1/scoring.json' },
      ]);
      assert.deepEqual(sent.retryStrategy, { attempts: 4, evaluateOnExit: DEFAULT_EVALUATE_ON_EXIT });
      assert.deepEqual(sent.timeout, { attemptDurationSeconds: 900 });

      const job = (await batch.send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0];
      assert.equal(job?.arrayProperties?.size, 3);
      assert.equal((await batch.send(new DescribeJobsCommand({ jobs: [`${jobId}:2`] }))).jobs?.[0]?.status, 'SUCCEEDED');
      assert.deepEqual(await runner.status(jobId), { state: 'succeeded' });
    });

    it('submits a plain job for a single shard (arrays need at least 2 children)', async () => {
      const runner = new AwsBatchRunner({ client: batch, jobQueue: 'nlp-queue', jobDefinition: 'nlp-score' });
      const jobId = await runner.submit(scoringSpec('b2', 1), 'b2-scoring');
      const sent = submits[submits.length - 1];
      assert.equal(sent.arrayProperties, undefined);
      assert.deepEqual(sent.retryStrategy?.attempts, 3);
      assert.deepEqual(sent.timeout, { attemptDurationSeconds: 3600 });
      assert.deepEqual(await runner.status(jobId), { state: 'succeeded' });
    });

    it('finds the job a previous attempt submitted under the same token instead of submitting again', async () => {
      const runner = new AwsBatchRunner({ client: batch, jobQueue: 'nlp-queue', jobDefinition: 'nlp-score' });
      const before = submits.length;
      const first = await runner.submit(scoringSpec('b3', 2), 'ingest-b3/score attempt#1');
      assert.equal(await runner.submit(scoringSpec('b3', 2), 'ingest-b3/score attempt#1'), first);
      assert.equal(submits.length - before, 1);
      assert.match(submits[submits.length - 1].jobName ?? '', /^ingest-b3-score-attempt-1-[0-9a-f]{10}$/);
    });

    it('terminates a job on stop and tolerates stopping one that has ended', async () => {
      const runner = new AwsBatchRunner({ client: batch, jobQueue: 'nlp-queue', jobDefinition: 'nlp-score' });
      const jobId = await runner.submit(scoringSpec('b4', 2), 'b4-scoring');
      await runner.stop(jobId, 'workflow cancelled');
      await runner.stop(jobId, 'workflow cancelled');
      const job = (await batch.send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0];
      assert.equal(job?.statusReason, `${STOP_REASON_PREFIX}workflow cancelled`);
    });

    it('reports a job id Batch does not know as failed', async () => {
      const runner = new AwsBatchRunner({ client: batch, jobQueue: 'nlp-queue', jobDefinition: 'nlp-score' });
      const state = await runner.status('00000000-0000-0000-0000-000000000000');
      assert.equal(state.state === 'failed' && state.code, 'ERROR');
    });
  });

  describe('over the wire, failing children (MOTO_SIMPLE_BATCH_FAIL_AFTER=0)', () => {
    let moto: MotoServer;
    let batch: BatchClient;

    before(async () => {
      // startMoto passes this process's environment to the server; set the switch only for its start.
      process.env.MOTO_SIMPLE_BATCH_FAIL_AFTER = '0';
      try {
        moto = await startMoto();
      } finally {
        delete process.env.MOTO_SIMPLE_BATCH_FAIL_AFTER;
      }
      batch = createBatchClient(moto.settings);
      await setUpQueue(moto, batch);
    });
    after(async () => {
      batch?.destroy();
      await moto?.stop();
    });

    it('reports FAILED with the failed children, and resubmits after a failure', async () => {
      const runner = new AwsBatchRunner({ client: batch, jobQueue: 'nlp-queue', jobDefinition: 'nlp-score' });
      const jobId = await runner.submit(scoringSpec('b5', 3), 'b5-scoring');
      const state = await runner.status(jobId);
      assert.equal(state.state, 'failed');
      const failed = state as Extract<RemoteJobState, { state: 'failed' }>;
      assert.equal(failed.code, 'FAILED');
      assert.match(failed.reason, /^Batch job FAILED.*3 of 3 children failed: child 0: .*child 1: .*child 2: /);
      // A FAILED job with the same name is not reused: submitting again is the retry.
      assert.notEqual(await runner.submit(scoringSpec('b5', 3), 'b5-scoring'), jobId);
    });
  });

  describe('names and states (no AWS)', () => {
    it('derives valid, distinct job names from tokens', () => {
      assert.equal(batchJobName('b20240514-abc_1'), 'b20240514-abc_1');
      const long = batchJobName('x'.repeat(300));
      assert.equal(long.length, 128);
      assert.match(long, /^x+-[0-9a-f]{10}$/);
      assert.notEqual(batchJobName('a/b'), batchJobName('a:b'));
      assert.match(batchJobName('-leading'), /^j-leading-[0-9a-f]{10}$/);
      for (const token of ['ingest-b1/score', 'é', '   ', 'a'.repeat(128)])
        assert.match(batchJobName(token), /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
    });

    it('maps Batch statuses, our stops and timeouts', () => {
      for (const status of ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING'] as const)
        assert.equal(batchJobState({ status }).state, 'running');
      assert.deepEqual(
        batchJobState({
          status: 'RUNNING',
          arrayProperties: { size: 10, statusSummary: { RUNNING: 3, SUCCEEDED: 5, RUNNABLE: 2, FAILED: 0 } },
        }),
        {
          state: 'running',
          detail: 'Batch RUNNING: 3 RUNNING, 5 SUCCEEDED, 2 RUNNABLE of 10',
        },
      );
      assert.deepEqual(batchJobState({ status: 'FAILED', statusReason: `${STOP_REASON_PREFIX}user cancelled` }), {
        state: 'failed',
        code: 'STOPPED',
        reason: 'user cancelled',
      });
      assert.equal(
        (batchJobState({ status: 'FAILED', statusReason: 'Job attempt duration exceeded timeout' }) as { code: string }).code,
        'TIMEOUT',
      );
      assert.equal(
        (batchJobState({ status: 'FAILED', isTerminated: true, statusReason: 'by an operator' }) as { code: string }).code,
        'STOPPED',
      );
      assert.deepEqual(
        batchJobState({ status: 'FAILED', statusReason: 'Essential container in task exited', container: { exitCode: 2 } }),
        {
          state: 'failed',
          code: 'FAILED',
          reason: 'Batch job FAILED: Essential container in task exited (exit code 2)',
          permanent: true,
        },
      );
      assert.equal(
        (
          batchJobState({ status: 'FAILED', statusReason: 'Essential container in task exited', container: { exitCode: 1 } }) as {
            permanent?: boolean;
          }
        ).permanent,
        undefined,
        'exit code 1 may pass on another attempt',
      );
    });

    it('validates its configuration and the spec size', async () => {
      const client = { send: async () => ({}) } as unknown as BatchClient;
      assert.throws(() => new AwsBatchRunner({ client, jobQueue: 'q', jobDefinition: 'd', attempts: 11 }), RangeError);
      assert.throws(() => new AwsBatchRunner({ client, jobQueue: 'q', jobDefinition: 'd', attemptDurationSeconds: 30 }), RangeError);
      const runner = new AwsBatchRunner({ client, jobQueue: 'q', jobDefinition: 'd' });
      await assert.rejects(runner.submit(scoringSpec('b1', 10_001), 't'), /processedKeys|10000/);
    });
  });
});

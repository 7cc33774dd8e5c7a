import {
  BatchStopJobRunCommand,
  CreateJobCommand,
  GetJobRunCommand,
  GetJobRunsCommand,
  GlueClient,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import assert from 'node:assert/strict';
import { createGlueClient } from '../../src/aws/clients';
import { loadSettings } from '../../src/config/settings';
import { GLUE_TOKEN_ARGUMENT, GlueRunner, glueRunState, glueStoreArguments } from '../../src/jobs/glue-runner';
import type { EtlJobSpec } from '../../src/jobs/remote-job';
import { MotoServer, startMoto } from '../helpers/moto';

function etlSpec(batchId: string): EtlJobSpec {
  return {
    kind: 'etl',
    batchId,
    inputKeys: [`staged/${batchId}/shard-00000.jsonl`, `staged/${batchId}/shard-00001.jsonl`],
    outputKeys: [`processed/${batchId}/shard-00000.jsonl`, `processed/${batchId}/shard-00001.jsonl`],
    textOptions: { language: 'en', keepNegations: true, stem: true },
  };
}

describe('GlueRunner', () => {
  describe('over the wire (moto Glue)', () => {
    let moto: MotoServer;
    let glue: GlueClient;
    const storeArgs = glueStoreArguments(
      loadSettings({ STORE: 's3', S3_BUCKET: 'nlp-store', S3_PREFIX: 'prod/', AWS_REGION: 'us-east-1' }),
    );

    before(async () => {
      moto = await startMoto();
      glue = createGlueClient(moto.settings);
    });
    after(async () => {
      glue?.destroy();
      await moto?.stop();
    });
    beforeEach(async () => {
      await moto.reset();
      await glue.send(
        new CreateJobCommand({
          Name: 'nlp-clean',
          Role: 'arn:aws:iam::123456789012:role/nlp-glue',
          Command: { Name: 'glueetl', ScriptLocation: 's3://nlp-artifacts/glue/nlp_clean_job.py', PythonVersion: '3' },
          ExecutionProperty: { MaxConcurrentRuns: 5 },
          GlueVersion: '4.0',
        }),
      );
    });

    async function manualProgression(times: number): Promise<void> {
      // moto runs no script; each GetJobRun advances the state after `times` reads.
      const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
        method: 'POST',
        body: JSON.stringify({ model_name: 'glue::job_run', transition: { progression: 'manual', times } }),
      });
      assert.ok(res.ok);
    }

    it('starts a run with the spec key and store arguments, then follows it to SUCCEEDED', async () => {
      await manualProgression(2);
      const runner = new GlueRunner({ client: glue, jobName: 'nlp-clean', storeArgs });
      assert.equal(runner.name, 'glue:nlp-clean');
      const runId = await runner.submit(etlSpec('b1'), 'b1-etl');

      const run = (await glue.send(new GetJobRunCommand({ JobName: 'nlp-clean', RunId: runId }))).JobRun;
      assert.deepEqual(run?.Arguments, {
        '--store_uri': 's3://nlp-store/prod',
        '--spec_key': 'jobs/b1/etl.json',
        [GLUE_TOKEN_ARGUMENT]: 'b1-etl',
      });
      const seen: string[] = [];
      for (let i = 0; i < 20; i++) {
        const state = await runner.status(runId);
        seen.push(state.state === 'running' ? (state.detail ?? 'running') : state.state);
        if (state.state !== 'running') break;
      }
      assert.ok(seen.includes('Glue RUNNING'), seen.join(' > '));
      assert.equal(seen[seen.length - 1], 'succeeded');
    });

    it('resubmitting with the same token returns the live run instead of starting another', async () => {
      await manualProgression(50);
      const runner = new GlueRunner({ client: glue, jobName: 'nlp-clean', storeArgs });
      const first = await runner.submit(etlSpec('b2'), 'b2-etl');
      assert.equal(await runner.submit(etlSpec('b2'), 'b2-etl'), first);
      const other = await runner.submit(etlSpec('b3'), 'b3-etl');
      assert.notEqual(other, first);
      const runs = (await glue.send(new GetJobRunsCommand({ JobName: 'nlp-clean' }))).JobRuns ?? [];
      assert.equal(runs.length, 2);
    });

    it('reports an unknown run as an SDK error (the activity retries, then fails the attempt)', async () => {
      const runner = new GlueRunner({ client: glue, jobName: 'nlp-clean', storeArgs });
      await assert.rejects(runner.status('jr_does_not_exist'), (err: Error) => err.name === 'EntityNotFoundException');
    });
  });

  describe('states and stop (no AWS)', () => {
    it('maps every Glue run state', () => {
      for (const s of ['STARTING', 'RUNNING', 'STOPPING', 'WAITING'] as const)
        assert.equal(glueRunState({ JobRunState: s }).state, 'running');
      assert.deepEqual(glueRunState({ JobRunState: 'RUNNING', Attempt: 1 }), { state: 'running', detail: 'Glue RUNNING (attempt 2)' });
      assert.deepEqual(glueRunState({ JobRunState: 'SUCCEEDED' }), { state: 'succeeded' });
      assert.deepEqual(glueRunState({ JobRunState: 'FAILED', ErrorMessage: 'SpecError: inputKeys (2) and outputKeys (1) differ' }), {
        state: 'failed',
        code: 'FAILED',
        reason: 'Glue job run FAILED: SpecError: inputKeys (2) and outputKeys (1) differ',
        permanent: true,
      });
      // Raised on an executor, the SpecError arrives inside Spark's exception text: still bad input.
      assert.equal(
        (
          glueRunState({
            JobRunState: 'FAILED',
            ErrorMessage: 'An error occurred while calling o45.collect. PythonException: SpecError: x',
          }) as {
            permanent?: boolean;
          }
        ).permanent,
        true,
      );
      // Anything else (an out-of-memory executor, a throttled S3 read) may pass on a rerun.
      assert.equal(
        (glueRunState({ JobRunState: 'FAILED', ErrorMessage: 'Py4JJavaError: java.lang.OutOfMemoryError' }) as { permanent?: boolean })
          .permanent,
        undefined,
      );
      assert.equal((glueRunState({ JobRunState: 'TIMEOUT' }) as { code: string }).code, 'TIMEOUT');
      assert.equal((glueRunState({ JobRunState: 'EXPIRED' }) as { code: string }).code, 'TIMEOUT');
      assert.equal((glueRunState({ JobRunState: 'STOPPED' }) as { code: string }).code, 'STOPPED');
      assert.equal((glueRunState({ JobRunState: 'ERROR' }) as { code: string }).code, 'ERROR');
      assert.equal((glueRunState(undefined) as { code: string }).code, 'ERROR');
    });

    it('builds store arguments for S3 (with KMS and an emulator endpoint) and for a folder', () => {
      assert.deepEqual(
        glueStoreArguments(
          loadSettings({
            STORE: 's3',
            S3_BUCKET: 'b',
            S3_PREFIX: '/a/b/',
            S3_SSE_KMS_KEY_ID: 'k1',
            AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
          }),
        ),
        { '--store_uri': 's3://b/a/b', '--sse_kms_key_id': 'k1', '--aws_endpoint_url': 'http://127.0.0.1:5000' },
      );
      assert.deepEqual(glueStoreArguments(loadSettings({ STORE: 'fs', STORE_ROOT: '/data/store' })), {
        '--store_uri': 'file:///data/store',
      });
      assert.throws(() => new GlueRunner({ client: {} as GlueClient, jobName: 'j', storeArgs: {} }), /--store_uri/);
    });

    /** moto 5.2.5 has no BatchStopJobRun (HTTP 500), so stop() is checked against a recording double. */
    function fakeGlue(answers: { stopErrors?: boolean; stateAfter?: string }): { client: GlueClient; sent: unknown[] } {
      const sent: unknown[] = [];
      const client = {
        async send(command: unknown) {
          sent.push(command);
          if (command instanceof BatchStopJobRunCommand) {
            return answers.stopErrors
              ? { Errors: [{ JobRunId: 'jr_1', ErrorDetail: { ErrorCode: 'InvalidInputException', ErrorMessage: 'not stoppable' } }] }
              : { SuccessfulSubmissions: [{ JobRunId: 'jr_1' }] };
          }
          if (command instanceof GetJobRunCommand) return { JobRun: { Id: 'jr_1', JobRunState: answers.stateAfter } };
          if (command instanceof StartJobRunCommand) return { JobRunId: 'jr_1' };
          throw new Error('unexpected command');
        },
      } as unknown as GlueClient;
      return { client, sent };
    }

    it('stops a run, and ignores a stop that lost the race with the run ending', async () => {
      const ok = fakeGlue({});
      await new GlueRunner({ client: ok.client, jobName: 'nlp-clean', storeArgs: { '--store_uri': 's3://b' } }).stop('jr_1', 'cancelled');
      assert.deepEqual((ok.sent[0] as BatchStopJobRunCommand).input, { JobName: 'nlp-clean', JobRunIds: ['jr_1'] });

      const finished = fakeGlue({ stopErrors: true, stateAfter: 'SUCCEEDED' });
      await new GlueRunner({ client: finished.client, jobName: 'nlp-clean', storeArgs: { '--store_uri': 's3://b' } }).stop(
        'jr_1',
        'cancelled',
      );

      const stuck = fakeGlue({ stopErrors: true, stateAfter: 'RUNNING' });
      await assert.rejects(
        new GlueRunner({ client: stuck.client, jobName: 'nlp-clean', storeArgs: { '--store_uri': 's3://b' } }).stop('jr_1', 'cancelled'),
        /InvalidInputException: not stoppable/,
      );
    });

    it('refuses an invalid spec before calling Glue', async () => {
      const fake = fakeGlue({});
      const runner = new GlueRunner({ client: fake.client, jobName: 'nlp-clean', storeArgs: { '--store_uri': 's3://b' } });
      const spec = etlSpec('b1');
      await assert.rejects(runner.submit({ ...spec, outputKeys: [] }, 't'), /outputKeys/);
      assert.equal(fake.sent.length, 0);
    });
  });
});

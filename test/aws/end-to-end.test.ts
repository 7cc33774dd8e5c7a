import { DescribeJobsCommand, JobSummary, ListJobsCommand } from '@aws-sdk/client-batch';
import { CloudWatchClient, GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { GetJobRunCommand, GetJobRunsCommand, JobRun } from '@aws-sdk/client-glue';
import type { Message } from '@aws-sdk/client-sqs';
import { ApplicationFailure, ChildWorkflowFailure, Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../infra/lib/config';
import { lambdaEnvironment } from '../../infra/lib/service-environment';
import { eventWindowMs, resolveSecretEnv } from '../../infra/lambda/secret-env';
import { remoteJobFailureTypes } from '../../src/contracts/ingest-batch';
import { MAX_JOB_SUBMISSIONS } from '../../src/workflows/ingest-shard-range';
import { createPayloadCodec, loadedCodecDataConverter } from '../../src/codec';
import { createCloudWatchClient } from '../../src/aws/clients';
import { activityAttempts } from '../helpers/batch-history';
import { ingestWorkflowId, startIngest } from '../../src/client/ingest';
import { loadSettings, type Settings } from '../../src/config/settings';
import { ingestSignals, type IngestBatchResultV2 } from '../../src/contracts/ingest-batch';
import { GLUE_TOKEN_ARGUMENT } from '../../src/jobs/glue-runner';
import { createS3EventSignaller, windowBatchId, type ProcessOutcome } from '../../src/lambda/handler';
import { pollOnce } from '../../src/lambda/sqs-poller';
import { ModelRegistry } from '../../src/model';
import { readProcessedShard } from '../../src/jobs/processed-record';
import { parseJsonl } from '../../src/pipeline/jsonl';
import { cleanStagedRecords } from '../../src/pipeline/clean-records';
import type { QuarantineRecord, ResultRecord, StagedRecord } from '../../src/pipeline/records';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { repoRoot, venvBin } from '../../src/util/repo-root';
import { buildDependencies } from '../../src/workers/dependencies';
import { createPipelineWorker, type PipelineWorker } from '../../src/workers/pipeline-worker';
import {
  awsClients,
  AwsClients,
  awsPipelineEnvironment,
  AwsProxy,
  DUMMY_CREDENTIALS,
  environmentMap,
  glueRunOutcomePatch,
  listBucketKeys,
  PipelineAwsNames,
  provisionPipelineAws,
  receiveUntil,
  REGION,
  setGlueRunTransition,
  startAwsProxy,
  startMotoWithEnvironment,
  unsetGlueRunTransition,
  useDummyAwsCredentials,
} from '../helpers/aws-fixtures';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { MotoServer, startMoto } from '../helpers/moto';
import { TEST_PAYLOAD_KEY_ID, TEST_PAYLOAD_KEYS, testDataConverter } from '../helpers/codec';
import { seedModel } from '../helpers/seed-model';
import { devServerEnv, workflowBundle } from '../helpers/temporal-env';

/**
 * ingestBatch end to end with every AWS backend on (STORE=s3, ETL=glue, BATCH=aws, NOTIFY=sns,
 * METRICS=cloudwatch), on a real Temporal dev server, against moto over the wire. The worker is
 * the production one: createPipelineWorker with buildDependencies(loadSettings(env)).
 *
 * What is real: every AWS call the application makes (S3, SQS, Glue, Batch, SNS, CloudWatch, all
 * through the SDK to moto), S3's bucket notification to SQS, SNS's delivery to a subscribed queue,
 * the SQS poller's pollOnce and the S3-event signaller doing signal-with-start, the workflow and its
 * activities, the Glue script (glue/nlp_clean_job.py under pyspark against moto S3) and the Batch
 * scoring entrypoint (one node process per array child, against moto S3).
 *
 * What the test plays, because moto runs neither Glue scripts nor containers:
 * - Glue's runtime. moto's manual state progression keeps the workflow's job run STARTING, then
 *   RUNNING (the test reads the run until RUNNING, then freezes it there). While it is RUNNING the
 *   test runs the script with exactly the run's Arguments (as Glue passes them); when the script
 *   exits 0 it lets the run progress to SUCCEEDED. The worker only ever sees moto's states.
 * - Batch's container runtime. moto's Docker-less Batch marks a job and its children SUCCEEDED
 *   inside SubmitJob, so the submitter's first DescribeJobs would already see SUCCEEDED with no
 *   outputs. The worker therefore reaches moto through a byte-for-byte HTTP forwarder
 *   (startAwsProxy) that holds the SubmitJob answer - after moto created the job - while the test
 *   lists the array's children with ListJobs, reads each child's container environment with
 *   DescribeJobs and runs the entrypoint once per child with that environment and
 *   AWS_BATCH_JOB_ARRAY_INDEX=i. Only then does the worker get moto's answer. On real Batch the job
 *   would be RUNNING meanwhile; here SubmitJob just takes as long as the children.
 * - The end of the batch window: the test sends closeBatch instead of waiting for it.
 * - Failures. A second moto server fails every Batch job and child at submit
 *   (MOTO_SIMPLE_BATCH_FAIL_AFTER=0) and, through a sitecustomize patch on its PYTHONPATH (moto
 *   5.2.5's Glue runs cannot end FAILED), ends every Glue run FAILED with an error message that
 *   says the test failed it. No script or container runs on that server. The failure workflows
 *   start first and run beside the happy path, with a retry window of seconds (FAILURE_RETRY,
 *   the per-batch override of the workers' INFRA_RETRY_TIMEOUT) instead of production's hours.
 * - The upload Lambda. The signaller runs in this process with exactly the environment the stack
 *   gives the Lambda (infra/lib/service-environment.ts: no ETL, BATCH or other placement), its
 *   secrets resolved as the Lambda resolves them, and a client of its own: where the batch runs
 *   (Glue, Batch) must come from the workers' deployment, not from the starter.
 */

const MODEL = 'mail';
const SHARD_SIZE = 5;
/** The poll interval of the remote-job activities (default 2 s; the port lets the worker choose). */
const POLL_MS = 250;
/** The S3-event handler's window: long, so both uploads surely land in one batch; closeBatch ends it. */
const WINDOW_MS = 60 * 60_000;
const GLUE_FAILURE_MESSAGE = 'e2e test: this Glue run was failed by the test (no script runs on this moto server)';
/**
 * The failing batches' retry window, a per-batch override of the workers' INFRA_RETRY_TIMEOUT
 * (hours in production): a few attempts within seconds, then the batch fails.
 */
const FAILURE_RETRY = { timeoutMs: 8_000, initialIntervalMs: 500, maximumIntervalMs: 2_000, attemptTimeoutMs: 10_000 };

const compiledSrc = path.resolve(__dirname, '..', '..', 'src');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ProcessRun {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot()): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout = (stdout + c.toString()).slice(-20_000)));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
    child.once('error', reject);
    child.once('close', (code) => resolve({ args, code, stdout, stderr }));
  });
}

/** The environment of a process the test starts in a job's place: dummy keys, nothing of a developer's AWS set-up. */
function jobProcessEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(AWS_|S3_|STORE|TEMPORAL_|MOTO_)/.test(name)) delete env[name];
  return { ...env, ...DUMMY_CREDENTIALS, AWS_DEFAULT_REGION: REGION, ...extra };
}

function attribute(message: Message, name: string): string | undefined {
  return message.MessageAttributes?.[name]?.StringValue;
}

/** The JSON block SnsNotifier appends to the text. */
function bodyBlock(message: Message): { event: string; severity: string; attributes: Record<string, unknown> } {
  const body = message.Body ?? '';
  return JSON.parse(body.slice(body.lastIndexOf('\n\n{') + 2));
}

/** Jobs (array parents) of that name in the queue. moto's ListJobs by queue also lists array children (`<id>:<i>`); AWS does not. */
async function batchJobsNamed(clients: AwsClients, names: PipelineAwsNames, jobName: string): Promise<JobSummary[]> {
  const out = await clients.batch.send(
    new ListJobsCommand({ jobQueue: names.batchJobQueue, filters: [{ name: 'JOB_NAME', values: [jobName] }] }),
  );
  return (out.jobSummaryList ?? []).filter((j) => !j.jobId?.includes(':'));
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

interface WorkerHandle {
  worker: PipelineWorker;
  running: Promise<void>;
  settings: Settings;
  close(): Promise<void>;
}

async function startPipelineWorker(env: TestWorkflowEnvironment, settings: Settings): Promise<WorkerHandle> {
  const deps = buildDependencies(settings);
  // The remote-job activities poll every 2 s by default; the port lets a worker choose.
  deps.runners = { ...deps.runners, pollMs: POLL_MS };
  const worker = await createPipelineWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: settings.temporal.taskQueue,
    deps: { ...deps, client: env.client },
    // The shared test server's payload codec (payloads are encrypted in every test, as in production).
    dataConverter: testDataConverter,
    workflowBundle: await workflowBundle(),
  });
  return { worker, running: worker.run(), settings, close: () => deps.shardPool?.close() ?? Promise.resolve() };
}

describe('ingestBatch end to end on AWS (moto + Temporal dev server)', function () {
  this.timeout(240_000);
  const runId = randomUUID().slice(0, 8);
  let env: TestWorkflowEnvironment;
  let restoreCredentials: () => void = () => undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nlp-e2e-'));
  const started: WorkflowHandle[] = [];

  // Happy path: moto 1, reached by the worker through the forwarder.
  let moto: MotoServer;
  let aws: AwsClients;
  let cloudwatch: CloudWatchClient;
  let names: PipelineAwsNames;
  let proxy: AwsProxy;
  let happy: WorkerHandle;
  let happyStore: S3ObjectStore;
  let batchPlay: {
    jobName: string;
    resolve: () => void;
    done: Promise<void>;
    children: Array<ProcessRun & { index: number; jobId: string }>;
  };

  // Failure paths: moto 2 fails every Glue run and every Batch job.
  let failingMoto: MotoServer;
  let failingAws: AwsClients;
  let failingCloudwatch: CloudWatchClient;
  let failingNames: PipelineAwsNames;
  let failing: WorkerHandle;
  let glueFailure: { batchId: string; handle: WorkflowHandle };
  const failingAlerts: Message[] = [];
  let batchFailure: { batchId: string; handle: WorkflowHandle };
  let gluePatchDir: string;

  before(async function () {
    this.timeout(120_000);
    restoreCredentials = useDummyAwsCredentials();
    gluePatchDir = glueRunOutcomePatch('FAILED', GLUE_FAILURE_MESSAGE);
    // The failing server first: startMotoWithEnvironment sets its variables in this process's
    // environment while it spawns, so no other moto may start meanwhile.
    const motos = (async () => {
      const bad = await startMotoWithEnvironment({
        MOTO_SIMPLE_BATCH_FAIL_AFTER: '0',
        PYTHONPATH: [gluePatchDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
      });
      return { bad, good: await startMoto() };
    })();
    const [temporalEnv, { good: happyMoto, bad: badMoto }] = await Promise.all([devServerEnv(), motos, workflowBundle()]);
    env = temporalEnv;
    moto = happyMoto;
    failingMoto = badMoto;

    // --- failure paths first: their retries take longest, so they run while the happy path does.
    failingAws = awsClients(failingMoto);
    failingCloudwatch = createCloudWatchClient(failingMoto.settings);
    failingNames = await provisionPipelineAws(failingMoto, failingAws, {
      bucket: 'nlp-e2e-failing',
      prefix: 'nlp',
      containerEnvironment: {},
    });
    const failingEnv = awsPipelineEnvironment(failingNames, failingMoto.endpoint, {
      TEMPORAL_TASK_QUEUE: `e2e-failing-${runId}`,
      MODEL_NAME: MODEL,
      SHARD_SIZE: String(SHARD_SIZE),
      DATA_DIR: dataDir,
    });
    const failingStore = new S3ObjectStore({ client: failingAws.s3, bucket: failingNames.bucket, prefix: failingNames.prefix });
    await seedModel(new ModelRegistry(failingStore), MODEL, 200);
    const failingCsv = messagesToCsv(sampleMessages(7, 4100).map((m) => ({ ...m, body: m.body.slice(0, 400) })));
    await failingStore.put('raw/failing/glue.csv', failingCsv);
    await failingStore.put('raw/failing/batch.csv', failingCsv);
    failing = await startPipelineWorker(env, loadSettings(failingEnv));
    glueFailure = { batchId: `e2e-glue-fail-${runId}`, handle: undefined as unknown as WorkflowHandle };
    glueFailure.handle = await startIngest(env.client, failing.settings, {
      batchId: glueFailure.batchId,
      sources: [{ key: 'raw/failing/glue.csv' }],
      infraRetry: FAILURE_RETRY,
    });
    // Same deployment, cleaning in the worker (an explicit override): the batch reaches AWS Batch, whose children fail.
    batchFailure = { batchId: `e2e-batch-fail-${runId}`, handle: undefined as unknown as WorkflowHandle };
    batchFailure.handle = await startIngest(env.client, failing.settings, {
      batchId: batchFailure.batchId,
      sources: [{ key: 'raw/failing/batch.csv' }],
      placement: { etl: 'local' },
      infraRetry: FAILURE_RETRY,
    });
    started.push(glueFailure.handle, batchFailure.handle);

    // --- happy path: moto 1 behind the forwarder.
    aws = awsClients(moto);
    cloudwatch = createCloudWatchClient(moto.settings);
    names = await provisionPipelineAws(moto, aws, {
      bucket: 'nlp-e2e',
      prefix: 'nlp',
      // What the job definition gives every container: the store, reached directly (not through the forwarder).
      containerEnvironment: { STORE: 's3', S3_BUCKET: 'nlp-e2e', S3_PREFIX: 'nlp', AWS_REGION: REGION, AWS_ENDPOINT_URL: moto.endpoint },
    });
    proxy = await startAwsProxy(moto.endpoint, { afterSubmitJob: (jobId, jobName) => playBatchJob(jobId, jobName) });
    happyStore = new S3ObjectStore({ client: aws.s3, bucket: names.bucket, prefix: names.prefix });
    await seedModel(new ModelRegistry(happyStore), MODEL, 200);
    // Runs stay STARTING, then RUNNING, for 5 reads each, until the test freezes or releases them.
    await setGlueRunTransition(moto, { progression: 'manual', times: 5 });
    happy = await startPipelineWorker(
      env,
      loadSettings(
        awsPipelineEnvironment(names, proxy.endpoint, {
          TEMPORAL_TASK_QUEUE: `e2e-${runId}`,
          MODEL_NAME: MODEL,
          SHARD_SIZE: String(SHARD_SIZE),
          DATA_DIR: dataDir,
        }),
      ),
    );
  });

  after(async function () {
    this.timeout(60_000);
    for (const handle of started) await handle.terminate('test cleanup').catch(() => undefined);
    for (const w of [happy, failing]) {
      if (!w) continue;
      if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
      await w.running.catch(() => undefined);
      await w.close();
    }
    if (moto) await unsetGlueRunTransition(moto).catch(() => undefined);
    await proxy?.close();
    aws?.destroy();
    failingAws?.destroy();
    cloudwatch?.destroy();
    failingCloudwatch?.destroy();
    await moto?.stop();
    await failingMoto?.stop();
    restoreCredentials();
    rmSync(dataDir, { recursive: true, force: true });
    if (gluePatchDir) rmSync(gluePatchDir, { recursive: true, force: true });
  });

  /** Armed by the happy test with the job name it expects; any other submission passes straight through. */
  function armBatchPlay(jobName: string): void {
    let resolve: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolve = r));
    batchPlay = { jobName, resolve, done, children: [] };
  }

  /**
   * Plays AWS Batch's container runtime for one array job (see the file comment): moto has created
   * the job; the submitter waits for the answer until this returns.
   */
  async function playBatchJob(jobId: string, jobName: string): Promise<void> {
    if (!batchPlay || jobName !== batchPlay.jobName) return;
    try {
      const children = (await aws.batch.send(new ListJobsCommand({ arrayJobId: jobId }))).jobSummaryList ?? [];
      batchPlay.children = await Promise.all(
        children.map(async (child) => {
          const childId = child.jobId as string;
          const index = Number(childId.slice(childId.lastIndexOf(':') + 1));
          const detail = (await aws.batch.send(new DescribeJobsCommand({ jobs: [childId] }))).jobs?.[0];
          const container = environmentMap(detail?.container?.environment);
          const out = await run(
            process.execPath,
            [path.join(compiledSrc, 'scoring', 'batch-entrypoint.js')],
            jobProcessEnvironment({ ...container, AWS_BATCH_JOB_ARRAY_INDEX: String(index), AWS_BATCH_JOB_ATTEMPT: '1' }),
          );
          return { ...out, index, jobId: childId };
        }),
      );
      batchPlay.children.sort((a, b) => a.index - b.index);
    } finally {
      batchPlay.resolve();
    }
  }

  /** Plays Glue's runtime for the batch's run (see the file comment). */
  async function playGlueRun(batchId: string): Promise<{ run: JobRun; script: ProcessRun; seconds: number }> {
    const token = `${batchId}-r0000-etl`;
    let found: JobRun | undefined;
    for (const deadline = Date.now() + 90_000; !found; await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`no Glue run with token ${token} was started`);
      const runs = (await aws.glue.send(new GetJobRunsCommand({ JobName: names.glueJobName }))).JobRuns ?? [];
      found = runs.find((r) => r.Arguments?.[GLUE_TOKEN_ARGUMENT] === token);
    }
    const runId = found.Id as string;
    // Manual progression counts reads: read until RUNNING, then freeze it there.
    let state = found.JobRunState;
    for (let reads = 0; state !== 'RUNNING'; reads++) {
      if (reads > 20) throw new Error(`Glue run ${runId} stuck in ${state}`);
      state = (await aws.glue.send(new GetJobRunCommand({ JobName: names.glueJobName, RunId: runId }))).JobRun?.JobRunState;
    }
    await setGlueRunTransition(moto, { progression: 'manual', times: 1_000_000_000 });

    // Glue passes the run's arguments as `--key value` to the script; --JOB_NAME is Glue's own.
    const args = Object.entries(found.Arguments ?? {}).flatMap(([k, v]) => [k, v]);
    const startedAt = Date.now();
    const script = await run(
      venvBin('python'),
      [path.join(repoRoot(), 'glue', 'nlp_clean_job.py'), '--JOB_NAME', names.glueJobName, ...args],
      jobProcessEnvironment({
        PYSPARK_PYTHON: venvBin('python'),
        PYSPARK_DRIVER_PYTHON: venvBin('python'),
        SPARK_LOCAL_IP: '127.0.0.1',
        PYTHONDONTWRITEBYTECODE: '1',
        // Local Spark, one core, no web UI: start-up dominates a run this small.
        PYSPARK_SUBMIT_ARGS: '--master local[1] --conf spark.ui.enabled=false --conf spark.ui.showConsoleProgress=false pyspark-shell',
      }),
    );
    const seconds = (Date.now() - startedAt) / 1000;
    // The script is done: let Glue report the run's end (immediate: straight to SUCCEEDED).
    if (script.code === 0) await setGlueRunTransition(moto, { progression: 'immediate' });
    return { run: found, script, seconds };
  }

  /**
   * The S3-event signaller as the deployed Lambda builds it (infra/lambda/s3-event-handler.ts): the
   * stack's Lambda environment, secrets resolved by resolveSecretEnv, settings, a client with the
   * one-file bundle's data converter. Only the Temporal coordinates are this test's.
   */
  async function lambdaSignaller(store: { bucket: string; prefix: string }, taskQueue: string) {
    const config = {
      ...DEFAULT_CONFIG,
      temporalAddress: env.address,
      temporalNamespace: env.namespace ?? 'default',
      temporalTaskQueue: taskQueue,
      temporalTls: false,
      modelName: MODEL,
      s3EventWindowSeconds: WINDOW_MS / 1000,
    };
    const payloadKeysArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:payload-keys';
    const lambdaEnv = await resolveSecretEnv(lambdaEnvironment(config, store, { payloadKeysSecretArn: payloadKeysArn }), async (arn) => {
      assert.equal(arn, payloadKeysArn);
      // The secret holds the current key (the Lambda's environment sets no PAYLOAD_KEY_ID).
      return TEST_PAYLOAD_KEYS.split(',').find((k) => k.startsWith(`${TEST_PAYLOAD_KEY_ID}:`)) as string;
    });
    const lambdaSettings = loadSettings(lambdaEnv);
    const client = new Client({
      connection: env.connection,
      namespace: lambdaSettings.temporal.namespace,
      dataConverter: loadedCodecDataConverter(await createPayloadCodec(lambdaSettings)),
    });
    return {
      settings: lambdaSettings,
      signaller: createS3EventSignaller({ client, settings: lambdaSettings, windowMs: eventWindowMs(lambdaEnv), log: () => undefined }),
    };
  }

  async function deliverUploads(signaller: ReturnType<typeof createS3EventSignaller>, keys: string[]): Promise<ProcessOutcome[]> {
    const outcomes: ProcessOutcome[] = [];
    const signalled = new Set<string>();
    for (let round = 0; round < 30 && keys.some((k) => !signalled.has(k)); round++) {
      await pollOnce({
        sqs: aws.sqs,
        queueUrl: names.eventsQueueUrl,
        waitTimeSeconds: 1,
        process: async (messages) => {
          const outcome = await signaller.process(messages);
          outcomes.push(outcome);
          for (const s of outcome.signalled) for (const k of s.keys) signalled.add(k);
          return outcome;
        },
      });
    }
    return outcomes;
  }

  it('S3 upload -> notification -> SQS -> pollOnce -> ingestBatch -> Glue run -> Batch array job -> S3 results, SNS alert, CloudWatch metrics', async function () {
    this.timeout(180_000);
    const settings = happy.settings;
    const folder = `raw/e2e-${runId}`;

    // 1. Two uploads (13 rows: 12 good, 1 with a wrong column count) into one folder.
    const messages = sampleMessages(12, 3000).map((m) => ({ ...m, body: m.body.slice(0, 400) }));
    const first = messages.slice(0, 7);
    const second = messages.slice(7);
    const firstCsv =
      messagesToCsv(first.slice(0, 3)) +
      '"bad-1","only two columns"\r\n' +
      messagesToCsv(first.slice(3)).split('\r\n').slice(1).join('\r\n');
    const uploadedAt = Date.now();
    await happyStore.put(`${folder}/a.csv`, firstCsv);
    await happyStore.put(`${folder}/b.csv`, messagesToCsv(second));

    // 2. The bucket notifications reach SQS; the poller hands them to the signaller, which has only
    // the Lambda's own environment (the stack's, with moto's names and this test's server).
    const lambda = await lambdaSignaller({ bucket: names.bucket, prefix: names.prefix }, settings.temporal.taskQueue);
    const signaller = lambda.signaller;
    assert.equal(lambda.settings.etl, 'local', "the Lambda's settings know nothing of Glue");
    assert.equal(lambda.settings.batch, 'worker', "the Lambda's settings know nothing of AWS Batch");
    const outcomes = await deliverUploads(signaller, [`${folder}/a.csv`, `${folder}/b.csv`]);
    const groups = outcomes.flatMap((o) => o.signalled);
    assert.equal(groups.length, 1, JSON.stringify(groups));
    const [group] = groups;
    assert.deepEqual(group.keys, [`${folder}/a.csv`, `${folder}/b.csv`]);
    assert.equal(group.late, false);
    const batchId = group.batchId;
    // One batch per folder and window: the id names both.
    const windowStarts = [uploadedAt, Date.now()].map((t) => Math.floor(t / WINDOW_MS) * WINDOW_MS);
    assert.ok(
      windowStarts.some((w) => batchId === windowBatchId(folder, w)),
      batchId,
    );
    assert.equal(group.workflowId, ingestWorkflowId(batchId));
    const handle = env.client.workflow.getHandle<() => Promise<IngestBatchResultV2>>(group.workflowId);
    started.push(handle);
    const description = await handle.describe();
    assert.equal(description.taskQueue, settings.temporal.taskQueue);

    // 3. Glue and Batch are played as the workflow reaches them; the window is closed by the test.
    armBatchPlay(`${batchId}-r0000-scoring`);
    const glue = playGlueRun(batchId);
    await handle.signal(ingestSignals.closeBatch);
    const glued = await glue;
    assert.equal(glued.script.code, 0, `Glue script failed:\n${glued.script.stderr.slice(-3000)}`);
    assert.match(glued.script.stdout, /nlp_clean_job: 3 shard\(s\), 12 row\(s\) cleaned from jobs\/.+\/range-0000-etl\.json/);
    // The run carried the claim check and the store, nothing else of ours.
    assert.deepEqual(glued.run.Arguments, {
      '--store_uri': `s3://${names.bucket}/${names.prefix}`,
      '--aws_endpoint_url': proxy.endpoint,
      '--spec_key': `jobs/${batchId}/range-0000-etl.json`,
      [GLUE_TOKEN_ARGUMENT]: `${batchId}-r0000-etl`,
    });
    // While the script ran, short poll activities kept looking at a RUNNING run (through the forwarder).
    // (Polls back off from POLL_MS by half each time, with a workflow timer between them.)
    assert.ok(proxy.seen.filter((r) => r.endsWith('AWSGlue.GetJobRun')).length >= 4, 'the worker polled the Glue run while it ran');
    await batchPlay.done;
    assert.equal(batchPlay.children.length, 3, 'one array child per shard');
    for (const child of batchPlay.children) {
      assert.equal(child.code, 0, `child ${child.index} failed:\n${child.stderr}`);
      assert.match(
        child.stdout,
        new RegExp(
          `batch-entrypoint: shard ${child.index} attempt 1: \\d+ rows -> batches/${batchId}/results/part-0000${child.index}\\.jsonl`,
        ),
      );
    }
    const result = await handle.result();
    assert.equal(proxy.seen.filter((r) => r === 'POST /v1/submitjob').length, 1, 'one SubmitJob');

    // 4. The workflow's answer reconciles: 13 rows in = 12 scored + 1 quarantined.
    assert.equal(result.status, 'completed');
    assert.equal(result.modelVersion, 'v1');
    assert.deepEqual([result.inputRows, result.scored, result.quarantined], [13, 12, 1]);
    assert.equal(result.resultParts, 3);
    assert.equal(result.shardRanges, 1);
    assert.equal(result.resultsPrefix, `batches/${batchId}/results/`);
    assert.equal(result.manifestKey, `batches/${batchId}/manifest.json`);
    assert.equal(
      Object.values(result.predictedCounts).reduce((a, b) => a + b, 0),
      12,
    );

    // No activity needed a retry: the Glue and Batch jobs were each submitted once, then polled
    // by short activities (the range workflow sleeps between polls: no slot held while they run).
    const history = [
      ...((await handle.fetchHistory()).events ?? []),
      ...((await env.client.workflow.getHandle(`${handle.workflowId}-range-0000`).fetchHistory()).events ?? []),
    ];
    const attempts = activityAttempts(history);
    assert.deepEqual(attempts.submitRemoteJob, [1, 1]);
    assert.ok(attempts.pollRemoteJob.length >= 2);
    assert.deepEqual(
      Object.values(attempts)
        .flat()
        .filter((a) => a > 1),
      [],
    );
    // Cleaning ran on Glue and scoring on Batch: no in-worker shard stage ran (only the summaries
    // of what the jobs wrote, read back once per range).
    assert.deepEqual(
      Object.keys(attempts)
        .filter((type) => /shard/i.test(type))
        .sort(),
      ['summarizeRemoteShards', 'summarizeShardRange'],
    );

    // 5. The one Batch job: an array of 3 whose children got the spec's key; moto holds it SUCCEEDED.
    const jobs = await batchJobsNamed(aws, names, `${batchId}-r0000-scoring`);
    assert.equal(jobs.length, 1);
    const job = (await aws.batch.send(new DescribeJobsCommand({ jobs: [jobs[0].jobId as string] }))).jobs?.[0];
    assert.equal(job?.status, 'SUCCEEDED');
    assert.equal(job?.arrayProperties?.size, 3);
    assert.equal(environmentMap(job?.container?.environment).SPEC_KEY, `jobs/${batchId}/range-0000-scoring.json`);
    assert.equal(
      (await aws.glue.send(new GetJobRunCommand({ JobName: names.glueJobName, RunId: glued.run.Id }))).JobRun?.JobRunState,
      'SUCCEEDED',
    );

    // 6. What landed in S3, under the store prefix.
    const key = (k: string) => `${names.prefix}/${k}`;
    assert.deepEqual(
      await listBucketKeys(aws.s3, names.bucket, key(`processed/${batchId}/`)),
      [0, 1, 2].map((i) => key(`processed/${batchId}/shard-0000${i}.jsonl`)),
    );
    // The batch's folder: its outputs, and the small per-source, per-shard and per-range summaries
    // that finalisation read by prefix (no list of them travelled through a workflow history).
    assert.deepEqual(await listBucketKeys(aws.s3, names.bucket, key(`batches/${batchId}/`)), [
      ...[0, 1, 2].map((i) => key(`batches/${batchId}/fingerprints/shard-0000${i}.bin`)),
      key(`batches/${batchId}/lake.json`),
      key(`batches/${batchId}/manifest.json`),
      key(`batches/${batchId}/profile.json`),
      key(`batches/${batchId}/ranges/range-0000.fingerprints.bin`),
      key(`batches/${batchId}/ranges/range-0000.json`),
      key(`batches/${batchId}/reports/batch.html`),
      ...[0, 1, 2].flatMap((i) => [
        key(`batches/${batchId}/results/part-0000${i}.jsonl`),
        key(`batches/${batchId}/results/part-0000${i}.summary.json`),
      ]),
      ...[0, 1, 2].map((i) => key(`batches/${batchId}/shards/shard-0000${i}.json`)),
      ...[0, 1].map((i) => key(`batches/${batchId}/sources/source-000${i}.json`)),
      key(`batches/${batchId}/statistics.json`),
    ]);
    // The data lake holds the same batch as Parquet, one part per shard, in its Hive partition.
    const lake = await listBucketKeys(aws.s3, names.bucket, key('results/'));
    assert.deepEqual(
      lake.filter((k) => k.includes(`/batch=${batchId}/`)).map((k) => k.replace(/dt=\d{4}-\d{2}-\d{2}/, 'dt=D')),
      [0, 1, 2].map((i) => key(`results/model=${result.modelName}/dt=D/batch=${batchId}/part-0000${i}.parquet`)),
    );
    assert.deepEqual(await listBucketKeys(aws.s3, names.bucket, key(`jobs/${batchId}/`)), [
      key(`jobs/${batchId}/range-0000-etl.json`),
      key(`jobs/${batchId}/range-0000-scoring.json`),
    ]);
    // Processed shards are the Glue script's output: the same records the in-worker stage writes
    // for the staged rows (stems, sentiment and language included), and no raw text.
    const processedIds: string[] = [];
    const textOptions = (await new ModelRegistry(happyStore).load(MODEL, 'v1')).config.text;
    for (let i = 0; i < 3; i++) {
      const rows = readProcessedShard(await happyStore.get(`processed/${batchId}/shard-0000${i}.jsonl`), 'processed');
      // The shard's summary names the staged shard it was cleaned from (staged shards are numbered per source).
      const { stagedKey } = JSON.parse((await happyStore.get(`batches/${batchId}/shards/shard-0000${i}.json`)).toString('utf8')) as {
        stagedKey: string;
      };
      const staged = parseJsonl<StagedRecord>(await happyStore.get(stagedKey), 'staged');
      assert.deepEqual(rows, cleanStagedRecords(staged, textOptions));
      for (const row of rows) {
        assert.equal('text' in row, false);
        processedIds.push(row.id);
      }
    }
    // Files are prepared in parallel: shards are numbered in the order files finish, so compare sets.
    const goodIds = messages.map((m) => m.id).sort();
    assert.deepEqual(processedIds.sort(), goodIds);
    const results: ResultRecord[] = [];
    const manifest = JSON.parse((await happyStore.get(result.manifestKey)).toString('utf8'));
    for (const [i, resultKey] of (manifest.parts as Array<{ key: string }>).map((p) => p.key).entries()) {
      const bytes = await happyStore.get(resultKey);
      const part = parseJsonl<ResultRecord>(bytes, resultKey);
      results.push(...part);
      assert.deepEqual(manifest.parts[i], { key: resultKey, rows: part.length, sha256: sha256(bytes) });
    }
    assert.deepEqual(results.map((r) => r.id).sort(), goodIds);
    assert.ok(results.every((r) => r.modelVersion === 'v1' && ['spam', 'ham'].includes(r.predictedLabel)));
    const counted: Record<string, number> = {};
    for (const r of results) counted[r.predictedLabel] = (counted[r.predictedLabel] ?? 0) + 1;
    assert.deepEqual(counted, result.predictedCounts);
    assert.deepEqual(manifest.counts, { inputRows: 13, scored: 12, quarantined: 1, rejectedFiles: 0 });
    assert.equal(manifest.store, `s3://${names.bucket}/${names.prefix}`);
    assert.deepEqual(manifest.model, { name: MODEL, version: 'v1' });
    assert.equal(result.quarantineFiles, 1);
    const quarantine = parseJsonl<QuarantineRecord>(await happyStore.get(`${result.quarantinePrefix}source-0000.jsonl`), 'q');
    assert.deepEqual(
      quarantine.map((q) => q.reason),
      ['wrong_column_count'],
    );

    // 7. The SNS alert, read back from the subscribed queue.
    const alerts = await receiveUntil(aws.sqs, names.alertsQueueUrl, (ms) => ms.some((m) => attribute(m, 'batchId') === batchId));
    const mine = alerts.filter((m) => attribute(m, 'batchId') === batchId);
    assert.equal(mine.length, 1);
    const alert = mine[0];
    assert.deepEqual(
      Object.fromEntries(Object.entries(alert.MessageAttributes ?? {}).map(([k, v]) => [k, `${v.DataType}:${v.StringValue}`])),
      {
        event: 'String:batch.completed',
        severity: 'String:warning',
        batchId: `String:${batchId}`,
        workflowId: `String:${handle.workflowId}`,
        status: 'String:completed',
        inputRows: 'Number:13',
        scored: 'Number:12',
        quarantined: 'Number:1',
        rejectedFiles: 'Number:0',
        modelVersion: 'String:v1',
      },
    );
    assert.equal(bodyBlock(alert).attributes.manifestKey, result.manifestKey);
    assert.match(alert.Body ?? '', new RegExp(`^ingestBatch ${batchId} scored 12 of 13 rows with ${MODEL}@v1; 1 rows quarantined`));

    // 8. The metrics, read back with GetMetricData.
    const dimensions = [
      { Name: 'pipeline', Value: 'ingestBatch' },
      { Name: 'modelVersion', Value: `${MODEL}@v1` },
    ];
    const now = Date.now();
    const query = (id: string, metric: string, stat: string, extra: typeof dimensions = []): MetricDataQuery => ({
      Id: id,
      MetricStat: {
        Metric: { Namespace: names.cloudwatchNamespace, MetricName: metric, Dimensions: [...dimensions, ...extra] },
        Period: 3600,
        Stat: stat,
      },
    });
    const classes = Object.keys(result.predictedCounts).sort();
    const metrics = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 30 * 60_000),
        EndTime: new Date(now + 30 * 60_000),
        MetricDataQueries: [
          query('processed', 'DocumentsProcessed', 'Sum'),
          query('puts', 'DocumentsProcessed', 'SampleCount'),
          query('quarantined', 'DocumentsQuarantined', 'Sum'),
          query('rate', 'QuarantineRate', 'Maximum'),
          query('duration', 'BatchDuration', 'Maximum'),
          ...classes.map((c, i) => query(`share${i}`, 'ClassShare', 'Maximum', [{ Name: 'class', Value: c }])),
        ],
      }),
    );
    const values = Object.fromEntries((metrics.MetricDataResults ?? []).map((r) => [r.Id, r.Values ?? []]));
    assert.deepEqual(values.processed, [12]);
    assert.deepEqual(values.puts, [1]);
    assert.deepEqual(values.quarantined, [1]);
    assert.equal(values.rate.length, 1);
    assert.ok(Math.abs(values.rate[0] - 100 / 13) < 1e-9, String(values.rate));
    assert.equal(values.duration.length, 1);
    assert.ok(values.duration[0] > 0 && values.duration[0] < 600, String(values.duration));
    classes.forEach((c, i) => assert.deepEqual(values[`share${i}`], [(100 * result.predictedCounts[c]) / 12], c));

    // 9. Everything the pipeline wrote also notified the queue: none of it may start a batch.
    const after: ProcessOutcome[] = [];
    for (let round = 0; round < 30; round++) {
      const polled = await pollOnce({
        sqs: aws.sqs,
        queueUrl: names.eventsQueueUrl,
        waitTimeSeconds: 0,
        process: async (ms) => {
          const o = await signaller.process(ms);
          after.push(o);
          return o;
        },
      });
      if (polled.received === 0) break;
    }
    const skippedKeys = after.flatMap((o) => o.skipped.map((s) => s.key ?? ''));
    assert.deepEqual(
      after.flatMap((o) => o.signalled),
      [],
    );
    assert.ok(skippedKeys.includes(key(result.manifestKey)), 'the manifest write was notified and ignored');
    assert.ok(skippedKeys.every((k) => !k.startsWith(key('raw/'))));
  });

  /**
   * The failure path's common checks: retried until the batch's retry window closed, typed
   * failure, alert, nothing half-written. The caller counts the attempts (one job per attempt).
   */
  async function assertFailedAfterRetries(
    failure: { batchId: string; handle: WorkflowHandle },
    reason: RegExp,
  ): Promise<{ alert: Message }> {
    const { batchId, handle } = failure;
    let caught: unknown;
    await handle.result().catch((err) => (caught = err));
    assert.ok(caught instanceof WorkflowFailedError, String(caught));
    // The range (child workflow) failed with the job's typed failure.
    const childFailure = caught.cause;
    assert.ok(childFailure instanceof ChildWorkflowFailure, String(childFailure));
    const typed = childFailure.cause;
    assert.ok(typed instanceof ApplicationFailure, String(typed));
    assert.equal(typed.type, remoteJobFailureTypes.failed);
    assert.match(typed.message, reason);

    // The job was submitted again after each failure, until the batch's retry window closed or the
    // submission limit was reached, each time on the first attempt.
    const range = await env.client.workflow.getHandle(`${handle.workflowId}-range-0000`).fetchHistory();
    const attempts = activityAttempts(range.events ?? []);
    const submissions = attempts.submitRemoteJob?.length ?? 0;
    assert.ok(submissions >= 2 && submissions <= MAX_JOB_SUBMISSIONS, `the job was submitted ${submissions} times`);

    // Nothing half-written: no result part, result summary, statistics, profile, lake index, report
    // or manifest for the batch. Only the work state of the stages that ran (source, shard and range
    // summaries, fingerprints), which nothing downstream reads without a manifest.
    const key = (k: string) => `${failingNames.prefix}/${k}`;
    const written = await listBucketKeys(failingAws.s3, failingNames.bucket, key(`batches/${batchId}/`));
    const workState = /\/batches\/[^/]+\/(sources|shards|fingerprints|ranges)\//;
    assert.deepEqual(
      written.filter((k) => !workState.test(k)),
      [],
    );
    assert.ok(
      written.some((k) => k.includes('/sources/')),
      `the source was prepared: ${written.join(', ')}`,
    );
    assert.deepEqual(
      (await listBucketKeys(failingAws.s3, failingNames.bucket, key('results/'))).filter((k) => k.includes(batchId)),
      [],
    );

    // Both failing batches alert on one queue, about when they fail (seconds apart): keep what an
    // earlier check received (and deleted) for the other batch.
    if (!failingAlerts.some((m) => attribute(m, 'batchId') === batchId)) {
      failingAlerts.push(
        ...(await receiveUntil(failingAws.sqs, failingNames.alertsQueueUrl, (ms) =>
          [...failingAlerts, ...ms].some((m) => attribute(m, 'batchId') === batchId),
        )),
      );
    }
    const mine = failingAlerts.filter((m) => attribute(m, 'batchId') === batchId);
    assert.equal(mine.length, 1);
    const alert = mine[0];
    assert.deepEqual(
      Object.fromEntries(Object.entries(alert.MessageAttributes ?? {}).map(([k, v]) => [k, `${v.DataType}:${v.StringValue}`])),
      {
        event: 'String:batch.failed',
        severity: 'String:error',
        batchId: `String:${batchId}`,
        workflowId: `String:${handle.workflowId}`,
        status: 'String:failed',
        modelVersion: 'String:v1',
      },
    );
    assert.match(alert.Body ?? '', new RegExp(`^ingestBatch ${batchId} failed: `));
    assert.ok((alert.Body ?? '').includes(typed.message), 'the alert carries the failure');
    return { alert };
  }

  it('a FAILED Glue run is retried (a new run per attempt), then fails the batch with RemoteJobFailed, a batch.failed alert and nothing half-written', async function () {
    const { batchId } = glueFailure;
    await assertFailedAfterRetries(
      glueFailure,
      new RegExp(`^glue:nlp-clean job jr_[0-9a-f]+ FAILED: Glue job run FAILED: ${escapeRegExp(GLUE_FAILURE_MESSAGE)}$`),
    );
    // Each attempt submitted a run of its own: a retry reruns the job, it does not re-read the failed one.
    const runs = ((await failingAws.glue.send(new GetJobRunsCommand({ JobName: failingNames.glueJobName }))).JobRuns ?? []).filter(
      (r) => r.Arguments?.[GLUE_TOKEN_ARGUMENT] === `${batchId}-r0000-etl`,
    );
    assert.ok(runs.length >= 2, `retried: ${runs.length} run(s)`);
    assert.ok(runs.every((r) => r.JobRunState === 'FAILED'));
    const key = (k: string) => `${failingNames.prefix}/${k}`;
    assert.deepEqual(await listBucketKeys(failingAws.s3, failingNames.bucket, key(`processed/${batchId}/`)), []);
    assert.deepEqual(await listBucketKeys(failingAws.s3, failingNames.bucket, key(`jobs/${batchId}/`)), [
      key(`jobs/${batchId}/range-0000-etl.json`),
    ]);
    assert.deepEqual(await batchJobsNamed(failingAws, failingNames, `${batchId}-r0000-scoring`), [], 'scoring never started');
  });

  it('failed Batch children are retried (a new array job per attempt), then fail the batch with RemoteJobFailed, a batch.failed alert and nothing half-written', async function () {
    const { batchId } = batchFailure;
    await assertFailedAfterRetries(
      batchFailure,
      /^batch:nlp-score-queue job [0-9a-f-]+ FAILED: Batch job FAILED.*; 2 of 2 children failed: child 0: .*; child 1: /,
    );
    const jobs = await batchJobsNamed(failingAws, failingNames, `${batchId}-r0000-scoring`);
    assert.ok(jobs.length >= 2, `retried: ${jobs.length} job(s)`);
    assert.ok(jobs.every((j) => j.status === 'FAILED'));
    for (const job of jobs) {
      const children = (await failingAws.batch.send(new ListJobsCommand({ arrayJobId: job.jobId }))).jobSummaryList ?? [];
      assert.deepEqual(
        children.map((c) => c.status),
        ['FAILED', 'FAILED'],
      );
    }
    const key = (k: string) => `${failingNames.prefix}/${k}`;
    // Cleaning ran in the worker (ETL=local for this batch) and is complete; scoring wrote nothing.
    assert.deepEqual(
      await listBucketKeys(failingAws.s3, failingNames.bucket, key(`processed/${batchId}/`)),
      [0, 1].map((i) => key(`processed/${batchId}/shard-0000${i}.jsonl`)),
    );
    assert.deepEqual(await listBucketKeys(failingAws.s3, failingNames.bucket, key(`jobs/${batchId}/`)), [
      key(`jobs/${batchId}/range-0000-scoring.json`),
    ]);
    // Neither failed batch recorded metrics.
    const out = await failingCloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 30 * 60_000),
        EndTime: new Date(Date.now() + 30 * 60_000),
        MetricDataQueries: [
          {
            Id: 'processed',
            MetricStat: {
              Metric: {
                Namespace: failingNames.cloudwatchNamespace,
                MetricName: 'DocumentsProcessed',
                Dimensions: [
                  { Name: 'pipeline', Value: 'ingestBatch' },
                  { Name: 'modelVersion', Value: `${MODEL}@v1` },
                ],
              },
              Period: 3600,
              Stat: 'SampleCount',
            },
          },
        ],
      }),
    );
    assert.deepEqual(out.MetricDataResults?.[0]?.Values ?? [], []);
  });
});

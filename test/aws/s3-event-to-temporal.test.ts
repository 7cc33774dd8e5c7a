import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createS3Client, createSqsClient } from '../../src/aws/clients';
import { loadSettings, type Settings } from '../../src/config/settings';
import {
  ingestQueries,
  ingestSignals,
  type IngestBatchInputV1,
  type IngestBatchResultV2,
  type IngestProgressV1,
} from '../../src/contracts/ingest-batch';
import { searchAttributes } from '../../src/contracts/search-attributes';
import { createS3EventSignaller, windowBatchId, type ProcessOutcome, type SignalledGroup } from '../../src/lambda/handler';
import { pollOnce } from '../../src/lambda/sqs-poller';
import { FileMetricsSink } from '../../src/metrics/file-metrics-sink';
import { ModelRegistry } from '../../src/model';
import { FileNotifier } from '../../src/notify/file-notifier';
import type { ObjectStore } from '../../src/storage/object-store';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { createPipelineWorker } from '../../src/workers/pipeline-worker';
import { DUMMY_CREDENTIALS, useDummyAwsCredentials } from '../helpers/aws-fixtures';
import { decodePayload, testCodecEnv, testDataConverter } from '../helpers/codec';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { MotoServer, startMoto } from '../helpers/moto';
import { seedModel } from '../helpers/seed-model';
import { readResultRecords } from '../helpers/batch-results';
import { devServerEnv, workflowBundle } from '../helpers/temporal-env';

const WINDOW = 60 * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The store, with manifest writes held while `hold` is set: the test's handle on a batch's finalisation. */
function holdingManifests(store: ObjectStore): { store: ObjectStore; hold: (on: boolean) => void } {
  let held: Promise<void> | undefined;
  let release: () => void = () => undefined;
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'put' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (key: string, ...rest: unknown[]) => {
        if (key.endsWith('/manifest.json') && held) await held;
        return (value as (...args: unknown[]) => unknown).call(target, key, ...rest);
      };
    },
  });
  return {
    store: wrapped,
    hold: (on) => {
      if (on) held ??= new Promise<void>((resolve) => (release = resolve));
      else {
        release();
        held = undefined;
      }
    },
  };
}

/**
 * Upload -> S3 notification -> SQS -> pollOnce -> update-with-start on a real Temporal dev server,
 * with a worker running the batches against moto's S3: one batch per folder and window, later
 * files join it, and a file that arrives while the batch finalises is refused by it and processed
 * by a follow-up batch, never dropped.
 */
describe('S3 upload to ingestBatch over the wire, nothing dropped (moto + Temporal dev server + worker)', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let s3: S3Client;
  let sqs: SQSClient;
  let client: Client;
  let queueUrl: string;
  let settings: Settings;
  let store: S3ObjectStore;
  let manifests: ReturnType<typeof holdingManifests>;
  let worker: PipelineWorker;
  let running: Promise<void>;
  let restoreCredentials: () => void = () => undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3-events-'));
  const started: string[] = [];

  before(async function () {
    this.timeout(90_000);
    restoreCredentials = useDummyAwsCredentials();
    moto = await startMoto();
    s3 = createS3Client(moto.settings);
    sqs = createSqsClient(moto.settings);
    const env = await devServerEnv();
    client = env.client;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'landing-events' }))).QueueUrl ?? '';
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await s3.send(new CreateBucketCommand({ Bucket: 'landing' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'landing',
        NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    settings = loadSettings({
      STORE: 's3',
      S3_BUCKET: 'landing',
      S3_PREFIX: 'nlp',
      TEMPORAL_TASK_QUEUE: `s3-events-${randomUUID()}`,
      MODEL_NAME: 'reviews',
      DATA_DIR: dataDir,
      DRIFT_CHECK_EVERY_BATCHES: '0',
    });
    store = new S3ObjectStore({ client: s3, bucket: 'landing', prefix: 'nlp' });
    await seedModel(new ModelRegistry(store), 'reviews', 200);
    manifests = holdingManifests(store);
    worker = await createPipelineWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: settings.temporal.taskQueue,
      deps: {
        settings,
        store: manifests.store,
        registry: new ModelRegistry(manifests.store),
        notifier: new FileNotifier(path.join(dataDir, 'notifications.jsonl')),
        metrics: new FileMetricsSink(path.join(dataDir, 'metrics.jsonl')),
        client,
      },
      dataConverter: testDataConverter,
      workflowBundle: await workflowBundle(),
    });
    running = worker.run();
  });
  after(async () => {
    manifests?.hold(false);
    for (const workflowId of started)
      await client?.workflow
        .getHandle(workflowId)
        .terminate('test cleanup')
        .catch(() => undefined);
    worker?.shutdown();
    await running;
    s3?.destroy();
    sqs?.destroy();
    await moto?.stop();
    restoreCredentials();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function deliver(signaller: ReturnType<typeof createS3EventSignaller>): Promise<SignalledGroup[]> {
    const outcomes: ProcessOutcome[] = [];
    for (let i = 0; i < 10; i++) {
      let outcome: ProcessOutcome | undefined;
      const round = await pollOnce({
        sqs,
        queueUrl,
        waitTimeSeconds: 0,
        process: async (messages) => (outcome = await signaller.process(messages)),
      });
      if (outcome) outcomes.push(outcome);
      if (round.received === 0) break;
    }
    assert.deepEqual(
      outcomes.flatMap((o) => o.failedMessageIds),
      [],
    );
    const groups = outcomes.flatMap((o) => o.signalled);
    for (const g of groups) if (!started.includes(g.workflowId)) started.push(g.workflowId);
    return groups;
  }

  /** The submitFiles updates a run accepted, from its history. */
  async function submissionsOf(workflowId: string): Promise<string[][]> {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const accepted = (history.events ?? []).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes).filter((a) => a);
    const args = await Promise.all(
      accepted.map((a) => decodePayload<{ sources: Array<{ key: string }> }>(a?.acceptedRequest?.input?.args?.payloads?.[0])),
    );
    return args.map((a) => a.sources.map((s) => s.key));
  }

  async function resultIds(result: IngestBatchResultV2): Promise<string[]> {
    return (await readResultRecords(store, result)).map((r) => r.id).sort();
  }

  it('one batch per folder and window; a file arriving while it finalises goes to a follow-up batch and is scored there', async () => {
    const signaller = createS3EventSignaller({ client, settings, windowMs: WINDOW, log: () => undefined });
    const messages = sampleMessages(9, 900).map((m, i) => ({ ...m, id: `doc-${i}` }));
    const folder = `raw/reviews/${randomUUID().slice(0, 6)}`;

    await store.put(`${folder}/a.csv`, messagesToCsv(messages.slice(0, 3)));
    const [first] = await deliver(signaller);
    assert.ok(first, 'the upload was handed to a batch');
    const { workflowId, batchId } = first;
    assert.equal(first.late, false);
    assert.deepEqual(first.accepted, [`${folder}/a.csv`]);
    const handle = client.workflow.getHandle<(i: IngestBatchInputV1) => Promise<IngestBatchResultV2>>(workflowId);
    const description = await handle.describe();
    assert.equal(description.taskQueue, settings.temporal.taskQueue);
    assert.equal(description.typedSearchAttributes.get(searchAttributes.batchId), batchId);
    const input = await decodePayload<IngestBatchInputV1>(
      (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0],
    );
    assert.deepEqual({ sources: input.sources, options: input.options }, { sources: [], options: { windowMs: WINDOW } });

    // A second upload in the same window joins the open batch.
    await store.put(`${folder}/b.csv`, messagesToCsv(messages.slice(3, 6)));
    const [second] = await deliver(signaller);
    const sameWindow = second.batchId === windowBatchId(folder, Math.floor(Date.now() / WINDOW) * WINDOW) && second.batchId === batchId;
    if (!sameWindow) return; // the hour turned between the two uploads: a new window, a new batch (rare)
    assert.deepEqual(await submissionsOf(workflowId), [[`${folder}/a.csv`], [`${folder}/b.csv`]]);

    // The batch closes and finalises (its manifest write held): a file arriving now must not be lost.
    manifests.hold(true);
    await handle.signal(ingestSignals.closeBatch);
    for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
      const progress = await handle.query<IngestProgressV1>(ingestQueries.progress);
      if (progress.phase === 'finalizing') break;
      assert.ok(Date.now() < deadline, `the batch never reached finalizing (phase ${progress.phase})`);
    }
    await store.put(`${folder}/c.csv`, messagesToCsv(messages.slice(6)));
    const [third] = await deliver(signaller);
    manifests.hold(false);
    assert.equal(third.late, true, 'the closing batch refused the file');
    assert.match(third.batchId, new RegExp(`^${batchId}-late-[0-9a-f]{8}$`));
    assert.deepEqual(third.accepted, [`${folder}/c.csv`]);

    const result = await handle.result();
    assert.deepEqual(
      await resultIds(result),
      messages
        .slice(0, 6)
        .map((m) => m.id)
        .sort(),
    );
    assert.equal(result.unprocessedFiles, undefined);
    const followUp = client.workflow.getHandle<(i: IngestBatchInputV1) => Promise<IngestBatchResultV2>>(third.workflowId);
    await followUp.signal(ingestSignals.closeBatch);
    assert.deepEqual(
      await resultIds(await followUp.result()),
      messages
        .slice(6)
        .map((m) => m.id)
        .sort(),
    );
  });

  it('`nlp-batch sqs-poller` runs the same path as a process: the upload becomes a batch, the message is deleted, SIGTERM stops it cleanly', async () => {
    const env = await devServerEnv();
    const folder = `raw/polled/${randomUUID().slice(0, 6)}`;
    const messages = sampleMessages(4, 1500);
    await store.put(`${folder}/a.csv`, messagesToCsv(messages));
    const cli = path.resolve(__dirname, '../../src/client/cli.js');
    const child = spawn(process.execPath, [cli, 'sqs-poller'], {
      env: {
        ...process.env,
        ...testCodecEnv,
        ...DUMMY_CREDENTIALS,
        STORE: 's3',
        S3_BUCKET: 'landing',
        S3_PREFIX: 'nlp',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: moto.endpoint,
        SQS_QUEUE_URL: queueUrl,
        S3_EVENT_WINDOW_SECONDS: String(WINDOW / 1000),
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: env.namespace ?? 'default',
        TEMPORAL_TASK_QUEUE: settings.temporal.taskQueue,
        TEMPORAL_EMBEDDED: 'false',
        MODEL_NAME: 'reviews',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const batchId = windowBatchId(folder, Math.floor(Date.now() / WINDOW) * WINDOW);
      const workflowId = `ingest-${batchId}`;
      started.push(workflowId);
      for (const deadline = Date.now() + 60_000; ; await sleep(200)) {
        const accepted = await submissionsOf(workflowId).catch(() => []);
        if (accepted.flat().includes(`${folder}/a.csv`)) break;
        assert.ok(Date.now() < deadline, `the poller never handed the upload to ${workflowId}:\n${stderr}`);
      }
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.match(stderr, /sqs-poller stopped after \d+ round\(s\)/);
      // The upload's message was deleted once its file was in the batch: it does not come back.
      // (The pipeline's own writes since are notified too; the next delivery skips them.)
      const left = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, VisibilityTimeout: 0, MaxNumberOfMessages: 10 }),
      );
      const upload = encodeURIComponent(`nlp/${folder}/a.csv`);
      assert.deepEqual(
        (left.Messages ?? []).filter((m) => (m.Body ?? '').includes(upload)),
        [],
      );
      const handle = client.workflow.getHandle<(i: IngestBatchInputV1) => Promise<IngestBatchResultV2>>(workflowId);
      await handle.signal(ingestSignals.closeBatch);
      assert.deepEqual(await resultIds(await handle.result()), messages.map((m) => m.id).sort());
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

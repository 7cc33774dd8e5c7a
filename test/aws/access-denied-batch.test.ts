import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { FaultProxy } from '../../bench/chaos/fault-proxy';
import { createS3Client } from '../../src/aws/clients';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { ModelRegistry } from '../../src/model';
import { layout } from '../../src/pipeline/layout';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { ShardThreadPool } from '../../src/workers/shard-pool';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { startMoto, type MotoServer } from '../helpers/moto';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const BUCKET = 'denied-batch';
const PREFIX = 'nlp';

/** The ApplicationFailure at the end of a workflow failure's cause chain. */
function innermostApplicationFailure(err: unknown): ApplicationFailure | undefined {
  let found: ApplicationFailure | undefined;
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) if (e instanceof ApplicationFailure) found = e;
  return found;
}

/**
 * A role without write permission on a batch's results prefix (S3 answers 403 AccessDenied,
 * through a proxy in front of moto): the batch fails at the first attempt with a failure typed
 * AccessDenied, non-retryable, sends batch.failed, and writes no manifest. Before, the error was a
 * plain retryable one, retried as an outage for the whole infrastructure retry window (6 h by
 * default) before the batch failed with an untyped error.
 */
describe('AccessDenied on the results prefix fails the batch at once, typed (moto behind a proxy, real Temporal server)', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let s3: S3Client;
  let store: S3ObjectStore;
  let fx: PipelineFixture;
  let worker: PipelineWorker | undefined;
  let running: Promise<void> | undefined;

  before(async () => {
    moto = await startMoto();
    proxy = await FaultProxy.start(moto.endpoint);
    s3 = createS3Client({ ...moto.settings, endpoint: proxy.endpoint });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    store = new S3ObjectStore({ client: s3, bucket: BUCKET, prefix: PREFIX });
    await seedModel(new ModelRegistry(store), 'denied', 300);
    await store.put('raw/denied/a.csv', messagesToCsv(sampleMessages(40, 400)));
    fx = await pipelineFixture();
  });
  after(async () => {
    fx?.cleanup();
    s3?.destroy();
    await proxy?.close();
    await moto?.stop();
  });
  afterEach(async () => {
    worker?.shutdown();
    await running;
    worker = undefined;
  });

  async function runDenied(pool?: ShardThreadPool): Promise<void> {
    const batchId = `denied${Date.now()}`;
    proxy.deny((r) => r.path.startsWith(`/${BUCKET}/${PREFIX}/${layout.resultsPrefix(batchId)}`));
    worker = await fx.newWorker({ store, registry: new ModelRegistry(store), ...(pool && { shardPool: pool }) });
    running = worker.run();
    const handle = await fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      // A short retry window: without the fix the batch fails once it is spent, untyped and after several attempts.
      args: [
        {
          version: 1,
          batchId,
          modelName: 'denied',
          sources: [{ key: 'raw/denied/a.csv' }],
          options: ingestOptions(undefined, { driftCheckEveryBatches: 0, infraRetry: { timeoutMs: 20_000, maximumIntervalMs: 2000 } }),
        },
      ],
    });
    const err = await handle.result().then(
      () => assert.fail('the batch should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError, String(err));
    const failure = innermostApplicationFailure(err);
    assert.ok(failure, `no ApplicationFailure in ${String(err)}`);
    assert.equal(failure.type, 'AccessDenied', failure.message);
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, new RegExp(layout.resultsPrefix(batchId)));

    // Every processShard was tried once: a permission error is not retried as an outage.
    const attempts: number[] = [];
    for await (const child of fx.env.client.workflow.list({
      query: `WorkflowType = 'ingestShardRange' AND TaskQueue = '${fx.taskQueue}'`,
    })) {
      const history = await fx.env.client.workflow.getHandle(child.workflowId).fetchHistory();
      for (const e of history.events ?? [])
        if (e.activityTaskStartedEventAttributes) attempts.push(e.activityTaskStartedEventAttributes.attempt ?? 0);
    }
    assert.ok(attempts.length > 0);
    assert.deepEqual(
      attempts.filter((a) => a > 1),
      [],
    );
    const alerts = readFileSync(fx.notificationsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; attributes?: { batchId?: string } })
      .filter((n) => n.attributes?.batchId === batchId);
    assert.ok(
      alerts.some((n) => n.event === 'batch.failed'),
      JSON.stringify(alerts),
    );
    assert.equal(await store.head(layout.manifest(batchId)), undefined, 'no manifest: nothing presented as results');
  }

  it('scoring in the worker (inline)', async () => {
    await runDenied();
  });

  it('scoring in a worker thread (the CPU pool)', async () => {
    // Threads take AWS credentials from the environment's default chain, as on a worker host.
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    const pool = new ShardThreadPool(
      {
        STORE: 's3',
        S3_BUCKET: BUCKET,
        S3_PREFIX: PREFIX,
        AWS_REGION: moto.settings.region,
        AWS_ENDPOINT_URL: proxy.endpoint,
        DATA_DIR: fx.dir,
      },
      1,
    );
    try {
      await runDenied(pool);
    } finally {
      await pool.close();
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const)
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
  });
});

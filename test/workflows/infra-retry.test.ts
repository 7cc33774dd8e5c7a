import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { ActivityFailure, TimeoutFailure, WorkflowFailedError } from '@temporalio/client';
import { RetryState, TimeoutType } from '@temporalio/common';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import type { IngestOptionsV1 } from '../../src/contracts/ingest-batch';
import type { ObjectStore } from '../../src/storage/object-store';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { activityAttemptsOf } from '../helpers/batch-history';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const settings = loadSettings({});

/** A store whose manifest writes fail (as S3 answers 503 SlowDown) while `failing()` says so. */
function manifestOutage(store: ObjectStore, failing: () => boolean): { store: ObjectStore; failures: () => number } {
  let failures = 0;
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'put' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (key: string, ...rest: unknown[]) => {
        if (key.endsWith('/manifest.json') && failing()) {
          failures++;
          throw Object.assign(new Error('SlowDown: please reduce your request rate (simulated outage)'), { name: 'SlowDown' });
        }
        return (value as (...args: unknown[]) => unknown).call(target, key, ...rest);
      };
    },
  });
  return { store: wrapped, failures: () => failures };
}

async function finalizeAttempts(fx: PipelineFixture, workflowId: string): Promise<number[]> {
  return (await activityAttemptsOf(fx.env.client, workflowId)).finalizeBatch ?? [];
}

describe('infrastructure retries are bounded by time, not by a small attempt count (real Temporal server)', function () {
  this.timeout(90_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker | undefined;
  let running: Promise<void> | undefined;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'retry', 200);
    await fx.deps.store.put('raw/retry/a.csv', messagesToCsv(sampleMessages(20, 300)));
  });
  after(() => fx.cleanup());
  afterEach(async () => {
    worker?.shutdown();
    await running;
    worker = undefined;
  });

  let counter = 0;
  function start(overrides: Partial<IngestOptionsV1> = {}) {
    const batchId = `retry${Date.now()}-${counter++}`;
    return fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'retry',
          sources: [{ key: 'raw/retry/a.csv' }],
          options: ingestOptions(settings, { driftCheckEveryBatches: 0, ...overrides }),
        },
      ],
    });
  }

  it('an outage longer than 8 attempts is ridden out: the batch completes (per-batch override of the retry window)', async () => {
    let remaining = 12;
    const outage = manifestOutage(fx.deps.store, () => remaining-- > 0);
    worker = await fx.newWorker({ store: outage.store });
    running = worker.run();
    const handle = await start({ infraRetry: { timeoutMs: 60_000, initialIntervalMs: 50, maximumIntervalMs: 100 } });
    const result = await handle.result();
    assert.equal(result.scored, 20);
    assert.equal(outage.failures(), 12);
    assert.deepEqual(await finalizeAttempts(fx, handle.workflowId), [13], 'the 13th attempt wrote the manifest');
  });

  it("without an override the worker's INFRA_RETRY_TIMEOUT bounds the retries; when it passes, the batch fails with a timeout and an alert", async () => {
    const outage = manifestOutage(fx.deps.store, () => true);
    const workerSettings = loadSettings({ INFRA_RETRY_TIMEOUT: '4s' });
    worker = await fx.newWorker({ store: outage.store, settings: workerSettings });
    running = worker.run();
    const handle = await start();
    const startedAt = Date.now();
    const err = await handle.result().then(
      () => assert.fail('the batch should fail'),
      (e: unknown) => e,
    );
    const seconds = (Date.now() - startedAt) / 1000;
    assert.ok(err instanceof WorkflowFailedError, String(err));
    assert.ok(err.cause instanceof ActivityFailure, String(err.cause));
    assert.equal(err.cause.activityType, 'finalizeBatch');
    // The window ran out (not an attempt count): the server stops retrying with retry state TIMEOUT,
    // reporting the last attempt's failure or, mid-attempt, a ScheduleToClose timeout.
    assert.equal(err.cause.retryState, RetryState.TIMEOUT);
    const last = err.cause.cause;
    assert.ok(
      (last instanceof TimeoutFailure && last.timeoutType === TimeoutType.SCHEDULE_TO_CLOSE) || /SlowDown/.test(String(last)),
      String(last),
    );
    assert.ok(outage.failures() >= 2, `${outage.failures()} failed attempts`);
    assert.ok(seconds < 60, `gave up after ${seconds} s`);
    const notifications = (await fs.readFile(fx.notificationsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(notifications.some((n) => n.event === 'batch.failed' && n.attributes.workflowId === handle.workflowId));
  });
});

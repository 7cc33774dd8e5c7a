import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import type { MetricsSink } from '../../src/metrics/metrics-sink';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

describe('bookkeeping that fails after the results are written does not fail a scored batch (real Temporal server)', function () {
  this.timeout(120_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'books', 200);
    await fx.deps.store.put('raw/books/a.csv', messagesToCsv(sampleMessages(25, 400)));
    // CloudWatch keeps refusing the metrics; and this worker has no Temporal client, so the
    // training trigger fails for good (TrainingClientMissing).
    const unreachable: MetricsSink = {
      record: async () => {
        throw new Error('ThrottlingException: Rate exceeded (simulated CloudWatch outage)');
      },
    };
    worker = await fx.newWorker({ metrics: unreachable, client: undefined });
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    fx.cleanup();
  });

  it('completes with its results, records the failed steps in the result and alerts', async () => {
    const batchId = `books-${Date.now()}`;
    const result = await fx.env.client.workflow.execute(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'books',
          sources: [{ key: 'raw/books/a.csv' }],
          options: ingestOptions(undefined, {
            retrainAfterLabelledRows: 1,
            driftCheckEveryBatches: 0,
            // Seconds, not hours, before the metrics step gives up.
            infraRetry: { timeoutMs: 3000, initialIntervalMs: 200, maximumIntervalMs: 500 },
          }),
        },
      ],
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.scored, 25);
    assert.ok((await fx.deps.store.head(result.manifestKey)) !== undefined, 'the manifest is written');
    assert.deepEqual(
      result.bookkeepingFailures?.map((f) => f.step),
      ['recordMetrics', 'requestTrainingIfDue'],
    );
    // The last attempt's error, or the window closing while it waited to retry.
    assert.match(result.bookkeepingFailures?.[0].error ?? '', /ThrottlingException|ScheduleToClose/);
    assert.match(result.bookkeepingFailures?.[1].error ?? '', /TrainingClientMissing/);
    const notifications = (await fs.readFile(fx.notificationsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((n) => n.attributes.batchId === batchId);
    assert.deepEqual(
      notifications.map((n) => [n.event, n.severity]),
      [
        ['batch.completed', 'info'],
        ['batch.bookkeeping-failed', 'warning'],
      ],
    );
    assert.match(notifications[1].message, /recordMetrics .*requestTrainingIfDue/);
  });
});

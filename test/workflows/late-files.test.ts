import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { ingestQueries, type IngestProgressV1 } from '../../src/contracts/ingest-batch';
import type { ObjectStore } from '../../src/storage/object-store';
import { addFilesSignal, closeBatchSignal, ingestBatch, submitFilesUpdate } from '../../src/workflows/ingest-batch';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds manifest writes until released: the batch sits in its finalising phase meanwhile. */
function holdManifests(store: ObjectStore): { store: ObjectStore; release: () => void } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'put' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (key: string, ...rest: unknown[]) => {
        if (key.endsWith('/manifest.json')) await held;
        return (value as (...args: unknown[]) => unknown).call(target, key, ...rest);
      };
    },
  });
  return { store: wrapped, release };
}

describe('files offered to a batch that stopped taking them are refused or reported, never silently dropped', function () {
  this.timeout(120_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;
  let hold: ReturnType<typeof holdManifests>;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'late', 200);
    await fx.deps.store.put('raw/late/a.csv', messagesToCsv(sampleMessages(10, 300)));
    await fx.deps.store.put('raw/late/b.csv', messagesToCsv(sampleMessages(5, 300)));
    await fx.deps.store.put('raw/late/c.csv', messagesToCsv(sampleMessages(5, 700)));
    hold = holdManifests(fx.deps.store);
    worker = await fx.newWorker({ store: hold.store });
    running = worker.run();
  });
  after(async () => {
    hold.release();
    worker.shutdown();
    await running;
    fx.cleanup();
  });

  it('submitFiles is taken while intake is open, refused (IntakeClosed) once it has closed; a late legacy signal is reported and alerted', async () => {
    const batchId = `late-${Date.now()}`;
    const handle = await fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'late',
          sources: [{ key: 'raw/late/a.csv' }],
          options: ingestOptions(undefined, { windowMs: 3_600_000, driftCheckEveryBatches: 0 }),
        },
      ],
    });
    // Open: taken, and a repeat is reported as a duplicate.
    assert.deepEqual(await handle.executeUpdate(submitFilesUpdate, { args: [{ sources: [{ key: 'raw/late/b.csv' }] }] }), {
      batchId,
      accepted: ['raw/late/b.csv'],
      duplicates: [],
    });
    assert.deepEqual((await handle.executeUpdate(submitFilesUpdate, { args: [{ sources: [{ key: 'raw/late/a.csv' }] }] })).duplicates, [
      'raw/late/a.csv',
    ]);

    await handle.signal(closeBatchSignal);
    for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
      if ((await handle.query<IngestProgressV1>(ingestQueries.progress)).phase === 'finalizing') break;
      assert.ok(Date.now() < deadline, 'the batch never reached finalizing');
    }
    // Closed: the validator refuses, so the sender knows to use a follow-up batch.
    await assert.rejects(handle.executeUpdate(submitFilesUpdate, { args: [{ sources: [{ key: 'raw/late/c.csv' }] }] }), (err: unknown) => {
      assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, 'IntakeClosed');
      return true;
    });
    // An old sender's signal cannot be refused: it is reported instead of vanishing.
    await handle.signal(addFilesSignal, { sources: [{ key: 'raw/late/c.csv' }] });
    await sleep(300);
    hold.release();

    const result = await handle.result();
    assert.equal(result.scored, 15, 'a and b, not c');
    assert.deepEqual(result.unprocessedFiles, ['raw/late/c.csv']);
    const notifications = (await fs.readFile(fx.notificationsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const alert = notifications.find((n) => n.event === 'batch.late-files' && n.attributes.batchId === batchId);
    assert.ok(alert, 'a warning names the files that were not processed');
    assert.match(alert.message, /raw\/late\/c\.csv/);
  });
});

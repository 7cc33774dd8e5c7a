import assert from 'node:assert/strict';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { startIngest } from '../../src/client/ingest';
import { loadSettings, type Settings } from '../../src/config/settings';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { scheduledActivityTypes } from '../helpers/batch-history';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const scheduledActivities = (fx: PipelineFixture, workflowId: string) => scheduledActivityTypes(fx.env.client, workflowId);

describe('where stages run is the deployment’s decision, not the starter’s (real Temporal server)', function () {
  this.timeout(120_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;
  let starter: Settings;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'place', 200);
    await fx.deps.store.put('raw/place/a.csv', messagesToCsv(sampleMessages(30, 500)));
    // The workers' deployment scores in local processes (the AWS Batch stand-in)...
    worker = await fx.newWorker({ settings: loadSettings({ BATCH: 'local', DATA_DIR: fx.dir }) });
    running = worker.run();
    // ...while the starter (an upload Lambda, a laptop) has no placement settings at all.
    const base = loadSettings({});
    starter = {
      ...base,
      temporal: { ...base.temporal, taskQueue: fx.taskQueue },
      pipeline: { ...base.pipeline, driftCheckEveryBatches: 0 },
    };
  });
  after(async () => {
    worker.shutdown();
    await running;
    fx.cleanup();
  });

  it("a batch started with the starter's default settings runs where the workers' settings say", async () => {
    const handle = await startIngest(fx.env.client, starter, {
      batchId: `place-${Date.now()}`,
      modelName: 'place',
      sources: [{ key: 'raw/place/a.csv' }],
    });
    const result = await handle.result();
    assert.equal(result.scored, 30);
    const activities = await scheduledActivities(fx, handle.workflowId);
    assert.ok(activities.includes('submitRemoteJob'), `scoring ran in the worker instead of local processes: ${activities.join(', ')}`);
  });

  it('a batch overrides placement only when it asks explicitly', async () => {
    const handle = await startIngest(fx.env.client, starter, {
      batchId: `place-x-${Date.now()}`,
      modelName: 'place',
      sources: [{ key: 'raw/place/a.csv' }],
      placement: { scoring: 'worker' },
    } as Parameters<typeof startIngest>[2]);
    const result = await handle.result();
    assert.equal(result.scored, 30);
    assert.ok(!(await scheduledActivities(fx, handle.workflowId)).includes('submitRemoteJob'));
  });
});

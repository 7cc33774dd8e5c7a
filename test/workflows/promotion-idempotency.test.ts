import assert from 'node:assert/strict';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { signalWithStartTraining } from '../../src/activities/training/submit-training';
import { runManualPromotion } from '../../src/client/training-models';
import { loadSettings } from '../../src/config/settings';
import { promotionLogPrefix, type PromotionLogEntry } from '../../src/training/promotion-log';
import { buildTrainingInput } from '../../src/training/training-input';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const baseSettings = loadSettings({});

/**
 * Loses promoteModel's first completion: the real activity runs (latest.json moves, the log may
 * be written), then the attempt fails as if the worker had died before reporting. The retry must
 * recognise the promotion as its own.
 */
function losePromotionCompletion(lost: string[]): ActivityInterceptorsFactory {
  return (ctx) => {
    const inbound: ActivityInboundCallsInterceptor = {
      async execute(input, next) {
        const out = await next(input);
        if (ctx.info.activityType === 'promoteModel' && ctx.info.attempt === 1) {
          lost.push(ctx.info.workflowExecution?.workflowId ?? '?');
          throw new Error('simulated loss of the activity completion after latest.json was written');
        }
        return out;
      },
    };
    return { inbound };
  };
}

describe('promotion survives a lost activity completion (real Temporal server)', function () {
  this.timeout(180_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;
  const lost: string[] = [];

  before(async () => {
    fx = await pipelineFixture();
    // The pipeline worker (both task queues), with the interceptor.
    worker = await fx.newWorker({ client: fx.env.client }, { activityInterceptors: [losePromotionCompletion(lost)] });
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    fx.cleanup();
  });

  async function promotionLog(modelName: string): Promise<PromotionLogEntry[]> {
    const entries: PromotionLogEntry[] = [];
    for await (const object of fx.deps.store.list(promotionLogPrefix(modelName)))
      entries.push(JSON.parse((await fx.deps.store.get(object.key)).toString('utf8')) as PromotionLogEntry);
    return entries;
  }

  it('manualPromotion: the retry recognises its own promotion, completes and writes the log once', async () => {
    const v1 = await seedModel(fx.deps.registry, 'manual', 200);
    const v2 = await seedModel(fx.deps.registry, 'manual-other', 200).then(async () => {
      // A second, unpromoted version of `manual`: save v1's artifacts again.
      const classifier = await fx.deps.registry.load('manual', v1);
      return (await fx.deps.registry.saveVersion('manual', classifier.toArtifacts(), {})).version;
    });
    const settings = { ...baseSettings, temporal: { ...baseSettings.temporal, taskQueue: fx.taskQueue } };
    const outcome = await runManualPromotion(fx.env.client, settings, {
      version: 1,
      modelName: 'manual',
      action: 'promote',
      targetVersion: v2,
      reason: 'idempotency test',
    });
    assert.ok(lost.includes('promote-manual'), 'the first completion was lost');
    assert.equal(outcome.toVersion, v2);
    assert.equal((await fx.deps.registry.latest('manual'))?.version, v2);
    const log = (await promotionLog('manual')).filter((e) => e.version === v2);
    assert.equal(log.length, 1, 'one log entry for the one promotion');
    assert.equal(log[0].previousVersion, v1);
    assert.equal(log[0].workflowId, 'promote-manual');
  });

  it('continuousTraining: the retried promotion completes and the run reports the challenger promoted', async () => {
    const key = 'raw/promo/train.csv';
    await fx.deps.store.put(key, messagesToCsv(sampleMessages(400, 1500)));
    const input = buildTrainingInput({
      modelName: 'trained',
      requestId: 'promo-1',
      data: { keys: [key] },
      maxRecordBytes: baseSettings.pipeline.maxRecordBytes,
      reason: 'idempotency test',
    });
    const outcome = await (await signalWithStartTraining(fx.env.client, fx.taskQueue, input)).result();
    assert.ok(lost.includes('train-trained'), 'the first completion was lost');
    assert.equal(outcome.promoted, true, outcome.decision);
    assert.equal((await fx.deps.registry.latest('trained'))?.version, outcome.modelVersion);
    const log = await promotionLog('trained');
    assert.deepEqual(
      log.map((e) => e.version),
      [outcome.modelVersion],
    );
  });
});

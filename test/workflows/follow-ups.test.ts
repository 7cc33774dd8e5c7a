import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { driftWorkflowId } from '../../src/contracts/drift-correction';
import type { TrainingOutcomeV1 } from '../../src/contracts/continuous-training';
import type { Notifier } from '../../src/notify/notifier';
import { signalWithStartTraining } from '../../src/starters';
import type { ObjectStore } from '../../src/storage/object-store';
import { buildTrainingInput, type TrainingInputOptions } from '../../src/training/training-input';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let requests = 0;

function training(fx: PipelineFixture, modelName: string, key: string, extra: Partial<TrainingInputOptions> = {}) {
  return buildTrainingInput({
    modelName,
    requestId: `fu-${requests++}`,
    data: { keys: [key] },
    maxRecordBytes: 1024 * 1024,
    reason: `request ${requests}`,
    ...extra,
  });
}

/** A store whose reads of held-out shards take `delayMs` each (a large, slow held-out set). */
function slowTestShards(store: ObjectStore, delayMs: number): ObjectStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'get' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (key: string) => {
        if (/\/test-\d{5}\.jsonl$/.test(key)) await sleep(delayMs);
        return target.get(key);
      };
    },
  });
}

describe('follow-up requests and triggers survive merges, retries and failures (real Temporal server)', function () {
  this.timeout(180_000);
  const fixtures: PipelineFixture[] = [];
  const workers: Array<{ worker: PipelineWorker; running: Promise<void> }> = [];
  after(async () => {
    for (const { worker } of workers) worker.shutdown();
    await Promise.all(workers.map((w) => w.running));
    for (const fx of fixtures) fx.cleanup();
  });

  async function setUp(overrides: Parameters<PipelineFixture['newWorker']>[0] = {}): Promise<PipelineFixture> {
    const fx = await pipelineFixture();
    fixtures.push(fx);
    const worker = await fx.newWorker({ client: fx.env.client, ...overrides });
    workers.push({ worker, running: worker.run() });
    await fx.deps.store.put('raw/fu/train.csv', messagesToCsv(sampleMessages(300, 2000)));
    return fx;
  }

  it('a request joining a running train-<model> has its config, policy and tuning budget merged into the follow-up, and what cannot be taken reported', async () => {
    const fx = await setUp();
    const first = await signalWithStartTraining(fx.env.client, fx.taskQueue, training(fx, 'merge', 'raw/fu/train.csv'));
    // Joins the running run: served by its follow-up, with these settings.
    await signalWithStartTraining(
      fx.env.client,
      fx.taskQueue,
      training(fx, 'merge', 'raw/fu/train.csv', {
        config: { classifier: { variant: 'multinomial', alpha: 0.5, fitPrior: true, classPrior: null } },
        policy: { minImprovement: 0.99 },
        tuningBudget: 3,
        seed: 7,
      }),
    );
    const outcome: TrainingOutcomeV1 = await first.result(); // follows the continue-as-new chain
    assert.equal(outcome.followUp, false);
    assert.notEqual(outcome.workflowId, undefined);
    assert.equal((outcome.config?.classifier as { alpha?: number } | undefined)?.alpha, 0.5, 'the joining request’s config was used');
    assert.equal(outcome.promoted, false, outcome.decision);
    assert.match(outcome.decision, /99\.00%/, 'the joining request’s policy decided');
    assert.deepEqual(outcome.ignoredSettings, ["seed 7 (the model's runs keep 42)"]);
  });

  it('a notification that fails does not drop the queued follow-up request', async () => {
    const broken: Notifier = {
      publish: async () => {
        throw ApplicationFailure.nonRetryable('the alert topic is gone', 'NotifierBroken');
      },
    };
    const fx = await setUp({ notifier: broken });
    const first = await signalWithStartTraining(fx.env.client, fx.taskQueue, training(fx, 'notify', 'raw/fu/train.csv'));
    const joined = training(fx, 'notify', 'raw/fu/train.csv', { reason: 'the queued one' });
    await signalWithStartTraining(fx.env.client, fx.taskQueue, joined);
    const outcome = await first.result();
    // The follow-up ran (its own run id), although every notification failed.
    const description = await fx.env.client.workflow.getHandle(first.workflowId).describe();
    assert.notEqual(description.runId, first.signaledRunId, 'the follow-up run continued the first');
    assert.equal(outcome.followUp, false);
  });

  it('a retried requestDriftCheckIfDue (first completion lost) causes no extra drift run', async () => {
    const fx = await pipelineFixture();
    fixtures.push(fx);
    await fx.deps.store.put('raw/fu/train.csv', messagesToCsv(sampleMessages(300, 2000)));
    await fx.deps.store.put('raw/dr/a.csv', messagesToCsv(sampleMessages(20, 500)));
    const deps = { ...fx.deps, client: fx.env.client };
    const loseFirstCompletion: ActivityInterceptorsFactory = (ctx) => ({
      inbound: {
        async execute(input, next) {
          const out = await next(input);
          if (ctx.info.activityType === 'requestDriftCheckIfDue' && ctx.info.attempt === 1) throw new Error('completion lost');
          return out;
        },
      },
    });
    // The pipeline worker, with the interceptor on both queues.
    const worker = await fx.newWorker(deps, { activityInterceptors: [loseFirstCompletion] });
    workers.push({ worker, running: worker.run() });
    // A model trained by continuousTraining: its training data is recorded, so drift has a baseline.
    await (await signalWithStartTraining(fx.env.client, fx.taskQueue, training(fx, 'dr', 'raw/fu/train.csv'))).result();
    const batchId = `dr-${Date.now()}`;
    await fx.env.client.workflow.execute(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'dr',
          sources: [{ key: 'raw/dr/a.csv' }],
          options: ingestOptions(undefined, { driftCheckEveryBatches: 1 }),
        },
      ],
    });
    await fx.env.client.workflow.getHandle(driftWorkflowId('dr')).result();
    await sleep(1500); // a second request, if any, would have started or continued a run by now
    await fx.env.client.workflow.getHandle(driftWorkflowId('dr')).result();
    const reports: string[] = [];
    for await (const object of fx.deps.store.list('drift/')) if (/^drift\/[^/]+\.json$/.test(object.key)) reports.push(object.key);
    assert.equal(reports.length, 1, `drift runs: ${reports.join(', ')}`);
  });

  it('evaluateVersion and the evaluation stage of fitCandidate heartbeat through a slow held-out set', async () => {
    const fx = await setUp();
    // A champion to evaluate, trained normally.
    await (await signalWithStartTraining(fx.env.client, fx.taskQueue, training(fx, 'hb', 'raw/fu/train.csv'))).result();
    // Now a worker whose held-out shard reads take 600 ms each, with a 1 s heartbeat timeout.
    const fast = workers.pop();
    fast?.worker.shutdown();
    await fast?.running;
    const slow = await fx.newWorker({ client: fx.env.client, store: slowTestShards(fx.deps.store, 600) });
    workers.push({ worker: slow, running: slow.run() });
    const outcome = await (
      await signalWithStartTraining(
        fx.env.client,
        fx.taskQueue,
        training(fx, 'hb', 'raw/fu/train.csv', { fitHeartbeatTimeoutMs: 1000, shardRows: 15, reason: 'slow held-out set' }),
      )
    ).result();
    assert.ok(outcome.champion, 'the champion was evaluated on the held-out set');
    const history = await fx.env.client.workflow.getHandle(outcome.workflowId).fetchHistory();
    const timeouts = (history.events ?? []).filter((e) => e.activityTaskTimedOutEventAttributes);
    const retried = (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    assert.deepEqual([timeouts.length, retried.length], [0, 0], 'no activity timed out or was retried');
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { createDriftActivities } from '../../src/activities/drift';
import { signalDriftCheck } from '../../src/activities/drift/request-drift-check';
import type { BatchStatisticsDocumentV1, DriftStateV1 } from '../../src/activities/drift/types';
import { upsertDriftSchedule } from '../../src/client/commands/drift';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import { trainingWorkflowId } from '../../src/contracts/continuous-training';
import { driftScheduleId, driftWorkflowId, type DriftCorrectionResultV1, type DriftReportV1 } from '../../src/contracts/drift-correction';
import { driftKeys, type BaselineV1 } from '../../src/drift';
import { DEFAULT_TRAINING_CONFIG, evaluateClassifier, toLabelledDoc, trainModel } from '../../src/model';
import { toJsonl } from '../../src/pipeline/jsonl';
import type { driftCorrection } from '../../src/workflows/drift-correction';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { sampleMessages } from '../helpers/corpus';
import { decodePayload, testCodecEnv, testDataConverter } from '../helpers/codec';
import { pipelineFixture, workflowBundle, type PipelineFixture } from '../helpers/temporal-env';
import { resultPartKeys } from '../helpers/batch-results';

const settings = loadSettings({});
const run = promisify(execFile);

interface Row {
  title: string;
  body: string;
  label: string | null;
}

/**
 * SpamAssassin mail split three ways per class (train / held-out / later batches), so the batches
 * come from the training distribution.
 */
function corpus() {
  const rows = sampleMessages(1200, 7000).map((m) => ({ title: m.subject, body: m.body, label: m.label }));
  const part = (k: number) =>
    ['spam', 'ham'].flatMap((label) => rows.filter((r) => r.label === label).filter((_, i) => [0, 0, 1, 2, 0, 2][i % 6] === k));
  // Later batches are random draws (seeded shuffle): the corpus is ordered by SpamAssassin group,
  // and a contiguous slice would be a genuinely different distribution.
  const later = part(2);
  let seed = 42;
  for (let i = later.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = Math.floor((seed / 2147483648) * (i + 1));
    [later[i], later[j]] = [later[j], later[i]];
  }
  return { train: part(0), test: part(1), later };
}

const SPANISH = (
  'el la los las de del que y en un una por con para su sus producto pedido envío llegó tarde calidad precio recomiendo nunca siempre compra ' +
  'excelente terrible funciona perfectamente dinero devolución cliente servicio atención semana tienda caja roto nuevo viejo bueno malo muy ' +
  'pero también cuando porque después antes hoy ayer mañana gracias saludos cordiales factura cuenta tarjeta oferta descuento'
).split(' ');

/** Spanish customer messages (with a canary word that must never reach workflow history). */
function spanishRows(n: number, seed: number): Row[] {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: 15 + Math.floor(next() * 60) }, () => SPANISH[Math.floor(next() * SPANISH.length)]);
    return { title: `Consulta ${i}`, body: `Hola, ${words.join(' ')} zqcanary${i}.`, label: null };
  });
}

describe('driftCorrection on a real Temporal server', function () {
  this.timeout(120_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;
  const model = `drift${Date.now().toString(36)}`;
  const data = corpus();
  let drift: ReturnType<typeof createDriftActivities>;
  let activityEnv: MockActivityEnvironment;
  let firstTraining: { workflowId: string; runId: string } | undefined;

  before(async () => {
    fx = await pipelineFixture();
    const { store, registry } = fx.deps;
    // A version trained the way continuousTraining trains, with its training run's shards in place
    // and metrics.json naming the run (where a lazily computed baseline finds them).
    const runId = 'seed-run';
    await store.put(`training/${model}/${runId}/train-00000.jsonl`, toJsonl(data.train));
    await store.put(`training/${model}/${runId}/test-00000.jsonl`, toJsonl(data.test));
    const toDoc = (r: Row) => toLabelledDoc({ title: r.title, body: r.body, label: r.label as string }, DEFAULT_TRAINING_CONFIG);
    const { classifier, stats } = await trainModel(() => [data.train.map(toDoc)], DEFAULT_TRAINING_CONFIG);
    const evaluation = evaluateClassifier(classifier, data.test.map(toDoc));
    const { version } = await registry.saveVersion(model, classifier.toArtifacts(), {
      evaluation,
      training: stats,
      provenance: { workflowId: 'seed', runId },
    });
    await registry.promote(model, version, { reason: 'seeded for drift tests' });

    // What ingestBatch will call after scoring (the lead wires it): run here in an activity context.
    drift = createDriftActivities({ ...fx.deps, client: fx.env.client, taskQueue: fx.taskQueue });
    activityEnv = new MockActivityEnvironment({ taskQueue: fx.taskQueue }, { client: fx.env.client });
    worker = await fx.newWorker();
    running = worker.run();
  });

  after(async () => {
    for (const id of [trainingWorkflowId(model), driftWorkflowId(model)]) {
      await fx.env.client.workflow
        .getHandle(id)
        .terminate('drift test finished')
        .catch(() => undefined);
    }
    worker?.shutdown();
    await running;
    fx.cleanup();
  });

  let counter = 0;
  /** Ingests rows with the real ingestBatch, then computes the batch's statistics and counts it. */
  async function scoreBatch(rows: Row[]): Promise<{ batchId: string; requested: boolean }> {
    const batchId = `${model}-b${counter++}`;
    const key = `raw/${batchId}/rows.jsonl`;
    await fx.deps.store.put(key, toJsonl(rows.map((r, i) => ({ id: `${batchId}-${i}`, title: r.title, text: r.body, label: r.label }))));
    const result = await fx.env.client.workflow.execute(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: model,
          sources: [{ key }],
          options: ingestOptions(settings, { shardSize: 100, parallelism: 2, driftCheckEveryBatches: 0 }),
        },
      ],
    });
    const processedKeys: string[] = [];
    for await (const o of fx.deps.store.list(`processed/${batchId}/`)) processedKeys.push(o.key);
    const stats: { key: string; documents: number } = await activityEnv.run(drift.computeBatchStatistics, {
      batchId,
      processedKeys,
      resultKeys: await resultPartKeys(fx.deps.store, result),
      modelName: model,
      modelVersion: result.modelVersion,
      quarantined: result.quarantined,
    });
    assert.equal(stats.documents, rows.length);
    const { requested }: { requested: boolean } = await activityEnv.run(drift.requestDriftCheckIfDue, {
      modelName: model,
      batchId,
      everyBatches: 1,
      window: 1,
    });
    return { batchId, requested };
  }

  async function checkResult(): Promise<DriftCorrectionResultV1> {
    return fx.env.client.workflow.getHandle<typeof driftCorrection>(driftWorkflowId(model)).result();
  }

  async function notifications(): Promise<
    Array<{ event: string; subject: string; message: string; attributes: Record<string, string | number> }>
  > {
    const text = await fs.readFile(fx.notificationsFile, 'utf8').catch(() => '');
    return text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  }

  async function readJson<T>(key: string): Promise<T> {
    return JSON.parse((await fx.deps.store.get(key)).toString('utf8')) as T;
  }

  it('does not flag an in-distribution batch (and computes the missing baseline on the way)', async () => {
    const { batchId, requested } = await scoreBatch(data.later.slice(0, 200));
    assert.equal(requested, true);
    const result = await checkResult();

    assert.equal(result.decision, 'none', result.reasons.join('\n'));
    assert.deepEqual(result.actions, []);
    assert.deepEqual(result.window.batches, [batchId]);
    assert.equal(result.window.labelled, 200);
    const statuses = Object.fromEntries(result.statistics.map((s) => [s.name, s.status]));
    for (const name of ['predictedClassMix', 'textLength', 'tokenCount', 'sentiment', 'confidence', 'oovRate', 'macroF1', 'accuracy']) {
      assert.equal(statuses[name], 'ok', `${name}: ${result.statistics.find((s) => s.name === name)?.note}`);
    }
    // The baseline was computed lazily from the training run named in metrics.json.
    const baseline = await readJson<BaselineV1>(driftKeys.baseline(model, 'v1'));
    assert.equal(baseline.training.statistics.documents, data.train.length);
    assert.equal(baseline.reference.source, 'held-out');
    assert.equal(baseline.reference.statistics.documents, data.test.length);
    const batchStats = await readJson<BatchStatisticsDocumentV1>(driftKeys.batchStatistics(batchId));
    assert.equal(batchStats.baselineKey, driftKeys.baseline(model, 'v1'));
    const mix = result.statistics.find((s) => s.name === 'predictedClassMix');
    assert.ok(mix?.kind === 'distribution');
    assert.deepEqual(mix.bins, ['ham', 'spam']);
    assert.deepEqual(mix.window, [batchStats.statistics.predictions?.classes.ham, batchStats.statistics.predictions?.classes.spam]);

    const report = await readJson<DriftReportV1>(result.reportKey);
    assert.equal(report.decision, 'none');
    assert.equal(report.statistics.length, 11);
    assert.deepEqual(report.statistics.find((s) => s.name === 'textLength')?.thresholds, {
      psiWarn: 0.1,
      psiDrift: 0.2,
      alpha: 0.01,
      minDocuments: 100,
    });
    assert.equal((await notifications()).filter((n) => n.event.startsWith('drift.')).length, 0);
    await assert.rejects(fx.env.client.workflow.getHandle(trainingWorkflowId(model)).describe(), WorkflowNotFoundError);
  });

  it('flags a batch of Spanish text, alerts, and starts retraining through continuousTraining', async () => {
    const { requested } = await scoreBatch(spanishRows(300, 1));
    assert.equal(requested, true);
    const result = await checkResult();

    assert.equal(result.decision, 'retrain', result.reasons.join('\n'));
    const drifted: string[] = result.statistics.filter((s) => s.status === 'drift').map((s) => s.name);
    for (const name of ['textLength', 'sentiment', 'confidence']) assert.ok(drifted.includes(name), `${name} drifted: ${drifted}`);
    assert.equal(result.statistics.find((s) => s.name === 'oovRate')?.status, 'warn');
    const retrain = result.actions.find((a) => a.type === 'retrain');
    assert.ok(retrain && retrain.type === 'retrain', JSON.stringify(result.actions));
    assert.equal(retrain.workflowId, trainingWorkflowId(model));
    assert.deepEqual(retrain.data.prefixes, [`training/${model}/seed-run/`, `staged/${result.window.batches[0]}/`]);

    // continuousTraining was started (or signalled) on the test server, by drift.
    const training = fx.env.client.workflow.getHandle(trainingWorkflowId(model));
    const description = await training.describe();
    assert.equal(description.type, 'continuousTraining');
    assert.equal(description.runId, retrain.runId);
    const started = (await training.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = await decodePayload<{ request: { trigger: string; tune: boolean } }>(started?.input?.payloads?.[0]);
    assert.equal(input.request.trigger, 'drift');
    assert.equal(input.request.tune, false);
    firstTraining = { workflowId: retrain.workflowId, runId: retrain.runId };
    // Training itself is continuousTraining's business (and its tests'): stop it to save time.
    await training.terminate('drift test: retraining start verified');

    const alert = (await notifications()).find((n) => n.event === 'drift.detected');
    assert.ok(alert, 'a drift.detected notification');
    assert.equal(alert.attributes.reportKey, result.reportKey);
    assert.equal(alert.attributes.trainingWorkflowId, trainingWorkflowId(model));
    assert.equal(alert.attributes.runId, result.runId);
    assert.match(alert.message, /textLength: PSI/);
    assert.ok(alert.message.includes(result.reportKey));

    const state = await readJson<DriftStateV1>(driftKeys.state(model));
    assert.equal(state.lastRetrain?.driftRunId, result.runId);
    const report = await readJson<DriftReportV1>(result.reportKey);
    assert.deepEqual(
      report.actions.map((a) => a.type),
      ['retrain', 'alert'],
    );
    // Claim check: the documents stayed in the store, only figures went through history.
    const history = JSON.stringify(await fx.env.client.workflow.getHandle(driftWorkflowId(model), result.runId).fetchHistory());
    assert.ok(!history.includes('zqcanary'), 'document text in the drift workflow history');
    // The decision is made inside the workflow by the pure policy: the run replays deterministically.
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: testDataConverter },
      await fx.env.client.workflow.getHandle(driftWorkflowId(model), result.runId).fetchHistory(),
    );
  });

  it('within the cooldown, a second drift alerts but does not retrain again (checked from the CLI)', async () => {
    assert.ok(firstTraining, 'the previous test started a retraining');
    await scoreBatch(spanishRows(300, 2));
    // The batch-count trigger already ran a check; the CLI asks for one more and prints its result.
    await checkResult();
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: fx.env.address,
      TEMPORAL_TASK_QUEUE: fx.taskQueue,
      TEMPORAL_EMBEDDED: 'false',
      DATA_DIR: fx.dir,
      STORE_ROOT: path.join(fx.dir, 'store'),
      ...testCodecEnv,
    };
    // The compiled CLI next to this compiled test.
    const cli = path.resolve(__dirname, '../../src/client/cli.js');
    const { stdout } = await run(process.execPath, [cli, 'drift', '--model', model, '--window', '1', '--json'], { env, timeout: 60_000 });
    const printed = JSON.parse(stdout.trim().split('\n').pop() as string);
    assert.equal(printed.workflowId, driftWorkflowId(model));
    assert.equal(printed.decision, 'retrain');
    assert.ok(
      printed.statistics.some(
        (s: { name: string; status: string; psi: number }) => s.name === 'textLength' && s.status === 'drift' && s.psi > 0.2,
      ),
    );
    assert.deepEqual(
      printed.actions.map((a: { type: string }) => a.type),
      ['suppressed', 'alert'],
    );

    // No second retraining: train-<model> is still the run drift started first (now terminated).
    const description = await fx.env.client.workflow.getHandle(trainingWorkflowId(model)).describe();
    assert.equal(description.runId, firstTraining.runId);
    assert.equal(description.status.name, 'TERMINATED');
    const detected = (await notifications()).filter((n) => n.event === 'drift.detected');
    assert.equal(detected.length, 3, 'the Spanish batch, the trigger after the second one, and the CLI check all alerted');
    for (const n of detected.slice(1)) {
      assert.equal(n.attributes.trainingWorkflowId, 'none');
      assert.match(n.message, /suppressed by the cooldown/);
    }
  });

  it('tunes when labelled accuracy drops while inputs and the class mix stay put', async () => {
    // Same mail, a quarter of the labels flipped: the model is as confident as ever but wrong more often.
    const rows = data.later.slice(200, 400).map((r, i) => (i % 4 === 0 ? { ...r, label: r.label === 'spam' ? 'ham' : 'spam' } : r));
    const { requested } = await scoreBatch(rows);
    assert.equal(requested, true);
    await checkResult();
    // Outside the cooldown (policy override), a check of that batch asks for a tuning run.
    const handle = await signalDriftCheck(fx.env.client, {
      taskQueue: fx.taskQueue,
      modelName: model,
      trigger: 'manual',
      reason: 'test',
      window: 1,
      policy: { cooldownMs: 0 },
    });
    const result = await handle.result();
    assert.equal(result.decision, 'tune', result.reasons.join('\n'));
    assert.equal(result.statistics.find((s) => s.name === 'macroF1')?.status, 'drift');
    assert.equal(result.statistics.find((s) => s.name === 'predictedClassMix')?.status, 'ok');
    const tune = result.actions.find((a) => a.type === 'tune');
    assert.ok(tune && tune.type === 'tune');
    const training = fx.env.client.workflow.getHandle(trainingWorkflowId(model));
    assert.notEqual((await training.describe()).runId, firstTraining?.runId);
    const started = (await training.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = await decodePayload<{ request: { trigger: string; tune: boolean } }>(started?.input?.payloads?.[0]);
    assert.equal(input.request.tune, true);
    assert.equal(input.request.trigger, 'drift');
    await training.terminate('drift test: tuning start verified');
  });

  it('runs checks from a Schedule through drift-<model> (schedule drift --every)', async () => {
    const previous = (await fx.env.client.workflow.getHandle(driftWorkflowId(model)).describe()).runId;
    const scheduleSettings = { ...settings, temporal: { ...settings.temporal, taskQueue: fx.taskQueue } };
    const created = await upsertDriftSchedule(fx.env.client, scheduleSettings, { modelName: model, every: '6h', window: 1 });
    assert.deepEqual(created, { scheduleId: driftScheduleId(model), created: true });
    assert.equal(
      (await upsertDriftSchedule(fx.env.client, scheduleSettings, { modelName: model, every: '12h', window: 1 })).created,
      false,
    );
    const schedule = fx.env.client.schedule.getHandle(created.scheduleId);
    try {
      assert.deepEqual(
        (await schedule.describe()).spec.intervals?.map((i) => i.every),
        [12 * 3600_000],
      );
      await schedule.trigger();
      let runId = previous;
      for (let i = 0; i < 200 && runId === previous; i++) {
        await new Promise((r) => setTimeout(r, 100));
        runId = (await fx.env.client.workflow.getHandle(driftWorkflowId(model)).describe()).runId;
      }
      assert.notEqual(runId, previous, 'the schedule fire started a new drift check');
      const result = await fx.env.client.workflow.getHandle<typeof driftCorrection>(driftWorkflowId(model), runId).result();
      const report = await readJson<DriftReportV1>(result.reportKey);
      assert.equal(report.request.trigger, 'schedule');
      assert.ok(report.request.requestId.startsWith(created.scheduleId), report.request.requestId);
    } finally {
      await schedule.delete();
    }
  });
});

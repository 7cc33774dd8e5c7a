import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApplicationFailure, WorkflowFailedError, type Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, Worker } from '@temporalio/worker';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { cpuTaskQueue } from '../../src/contracts/task-queues';
import { createTrainingActivities } from '../../src/activities/training';
import { createDriftActivities } from '../../src/activities/drift';
import { createReportActivities } from '../../src/activities/reports';
import { createTelemetryActivities } from '../../src/activities/telemetry';
import { signalWithStartTraining } from '../../src/activities/training/submit-training';
import type { FitProgress } from '../../src/activities/training/types';
import { describeModel, runManualPromotion } from '../../src/client/training-models';
import { changeTrainingSchedule, describeTrainingSchedule } from '../../src/client/training-schedule';
import { loadSettings, type Settings } from '../../src/config/settings';
import {
  trainingFailureTypes,
  trainingScheduleId,
  trainingWorkflowId,
  type ContinuousTrainingInputV1,
  type TrainingOutcomeV1,
} from '../../src/contracts/continuous-training';
import { driftKeys } from '../../src/drift';
import { createRng, shuffleInPlace, toLabelledDoc } from '../../src/model';
import { layout } from '../../src/pipeline/layout';
import { toJsonl } from '../../src/pipeline/jsonl';
import type { StagedRecord } from '../../src/pipeline/records';
import { labelledCounterKey, type LabelledCounterV1 } from '../../src/training/labelled-counter';
import { buildTrainingInput, type TrainingInputOptions } from '../../src/training/training-input';
import type { PipelineDependencies } from '../../src/workers/dependencies';
import type { LabelledMessage } from '../../src/datasets/spam-assassin';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { decodePayload, testCodecEnv } from '../helpers/codec';
import { pipelineFixture, workflowBundle, type PipelineFixture } from '../helpers/temporal-env';

const run = promisify(execFile);
const baseSettings = loadSettings({});
let requests = 0;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('continuousTraining on a real Temporal server', function () {
  this.timeout(180_000);
  let fx: PipelineFixture;
  let settings: Settings;
  const workers: Array<{ worker: Pick<PipelineWorker, 'shutdown'>; running: Promise<void> }> = [];
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    fx = await pipelineFixture();
    settings = { ...baseSettings, temporal: { ...baseSettings.temporal, taskQueue: fx.taskQueue } };
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const { worker } of workers) worker.shutdown();
    await Promise.all(workers.splice(0).map((w) => w.running));
    fx.cleanup();
  });

  /** The pipeline worker, with a Temporal client so the trigger activities can start workflows. */
  async function startWorker(): Promise<void> {
    const worker = await fx.newWorker({ client: fx.env.client } as Partial<PipelineDependencies>);
    workers.push({ worker, running: worker.run() });
  }

  function input(
    modelName: string,
    data: ContinuousTrainingInputV1['request']['data'],
    extra: Partial<TrainingInputOptions> = {},
  ): ContinuousTrainingInputV1 {
    return buildTrainingInput({
      modelName,
      requestId: `req-${requests++}`,
      data,
      maxRecordBytes: settings.pipeline.maxRecordBytes,
      reason: 'test',
      ...extra,
    });
  }

  async function train(
    modelName: string,
    data: ContinuousTrainingInputV1['request']['data'],
    extra: Partial<TrainingInputOptions> = {},
  ): Promise<TrainingOutcomeV1> {
    return (await signalWithStartTraining(fx.env.client, fx.taskQueue, input(modelName, data, extra))).result();
  }

  async function putCsv(key: string, messages: LabelledMessage[]): Promise<string> {
    await fx.deps.store.put(key, messagesToCsv(messages));
    return key;
  }

  async function notifications(): Promise<Json[]> {
    const text = await fs.readFile(fx.notificationsFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  }

  async function metricsOf(modelName: string, version: string): Promise<Json> {
    return (await fx.deps.registry.metrics(modelName, version)) as Json;
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('promotes a better challenger, keeps a worse one out, and notifies both', async () => {
    await startWorker();
    const data = { keys: [await putCsv('raw/pr/messages.csv', sampleMessages(300))] };
    // A weak first champion: twenty unigram features (clearly better than chance, clearly worse than the default).
    const twentyFeatures = { vectorizer: { maxFeatures: 20, ngramRange: [1, 1] } };
    const weak = await train('pr', data, { config: twentyFeatures });
    assert.equal(weak.promoted, true, weak.decision);

    const better = await train('pr', data);
    assert.equal(better.champion?.version, weak.modelVersion);
    assert.ok(better.metrics.macroF1 > better.champion.metrics.macroF1);
    assert.equal(better.promoted, true, better.decision);
    assert.equal(better.testRows, better.champion.metrics.testRows); // the same held-out rows

    // The weak config again: it passed the chance test once, so only the champion can stop it now.
    const worse = await train('pr', data, { config: twentyFeatures });
    assert.equal(worse.champion?.version, better.modelVersion);
    assert.ok(worse.metrics.macroF1 < better.metrics.macroF1);
    assert.equal(worse.promoted, false);
    assert.match(worse.decision, /does not beat the champion/);

    assert.equal((await fx.deps.registry.latest('pr'))?.version, better.modelVersion);
    const sent = (await notifications()).filter((n) => n.attributes.modelName === 'pr');
    assert.deepEqual(
      sent.map((n) => [n.event, n.attributes.modelVersion]),
      [
        ['model.promoted', weak.modelVersion],
        ['model.promoted', better.modelVersion],
        ['model.rejected', worse.modelVersion],
      ],
    );
    assert.equal(sent[2].attributes.championVersion, better.modelVersion);

    // A promoted challenger is refit on training + held-out rows; the refit is what gets promoted,
    // and the fit that was judged on the held-out rows stays as its own version.
    assert.equal(weak.evaluatedVersion, 'v1');
    assert.deepEqual([weak.modelVersion, better.evaluatedVersion, better.modelVersion, worse.modelVersion], ['v2', 'v3', 'v4', 'v5']);
    assert.equal(worse.evaluatedVersion, undefined);
    assert.equal(better.refit?.rows, better.trainRows + better.testRows);
    // The champion (a refit, which has seen these held-out rows) was scored through the fit that had not.
    assert.equal(better.champion.metrics.evaluatedVersion, weak.evaluatedVersion);

    // `nlp-batch models` reads the same registry: every version, which is latest, when and why promoted.
    const view = await describeModel(fx.deps.store, fx.deps.registry, 'pr');
    assert.deepEqual(
      view.versions.map((v) => [v.version, v.latest, v.promotions.length]),
      [
        ['v1', false, 0],
        [weak.modelVersion, false, 1],
        ['v3', false, 0],
        [better.modelVersion, true, 1],
        [worse.modelVersion, false, 0],
      ],
    );
    assert.match(view.versions[3].promotions[0].reason, /^manual: macroF1 .* beats the champion/);
    assert.equal(view.versions[3].promotions[0].workflowId, trainingWorkflowId('pr'));
  });

  it('refits a promoted challenger on all rows and says in metrics.json which rows each figure comes from', async () => {
    await startWorker();
    const data = { keys: [await putCsv('raw/rf/messages.csv', sampleMessages(300, 4200))] };
    const outcome = await train('rf', data);
    assert.equal(outcome.promoted, true, outcome.decision);
    const evaluated = outcome.evaluatedVersion as string;
    const [judged, refit] = [await metricsOf('rf', evaluated), await metricsOf('rf', outcome.modelVersion)];
    assert.equal(judged.training.documents, outcome.trainRows);
    assert.equal(refit.training.documents, outcome.trainRows + outcome.testRows);
    assert.deepEqual(judged.figures.model, { fittedOn: 'training', rows: outcome.trainRows, run: judged.provenance.runId });
    assert.deepEqual(refit.figures.model, {
      fittedOn: 'training+held-out',
      rows: outcome.trainRows + outcome.testRows,
      run: judged.provenance.runId,
    });
    for (const m of [judged, refit]) {
      assert.equal(m.figures.evaluation.rows, 'held-out');
      assert.equal(m.figures.evaluation.count, outcome.testRows);
      assert.equal(m.figures.evaluation.scoredModelFittedOn, 'training');
      assert.equal(m.evaluation.accuracy, outcome.metrics.accuracy); // the refit carries the judged fit's figures
    }
    assert.equal(refit.figures.evaluation.scoredModel, evaluated);
    assert.equal(refit.refitOf, evaluated);
    assert.equal((await fx.deps.registry.latest('rf'))?.version, outcome.modelVersion);
    // The refit learned from the held-out rows too: its vocabulary counts them.
    const [a, b] = [await fx.deps.registry.load('rf', evaluated), await fx.deps.registry.load('rf', outcome.modelVersion)];
    assert.equal(a.vectorizer.documents, outcome.trainRows);
    assert.equal(b.vectorizer.documents, outcome.trainRows + outcome.testRows);
    // The refit has a drift baseline of its own.
    assert.ok(await fx.deps.store.head(driftKeys.baseline('rf', outcome.modelVersion)), 'baseline of the refit');

    // With refit off (an input option), the judged fit itself is promoted.
    const plain = await train('rf-plain', data, { refit: false });
    assert.equal(plain.promoted, true);
    assert.equal(plain.evaluatedVersion, undefined);
    assert.equal(plain.modelVersion, 'v1');
  });

  it('never promotes a model trained on shuffled labels over a real one', async () => {
    await startWorker();
    const messages = sampleMessages(300, 600);
    const real = await train('shuffle', { keys: [await putCsv('raw/sh/real.csv', messages)] });
    assert.equal(real.promoted, true, real.decision);

    for (const seed of [1, 2]) {
      const labels = shuffleInPlace(
        messages.map((m) => m.label),
        createRng(seed),
      );
      const shuffled = messages.map((m, i) => ({ ...m, label: labels[i] }));
      const outcome = await train('shuffle', { keys: [await putCsv(`raw/sh/shuffled-${seed}.csv`, shuffled)] });
      assert.equal(outcome.promoted, false, `shuffle ${seed}: ${outcome.decision}`);
      // Rejected for being at chance level: on shuffled held-out labels the champion scores at chance too.
      assert.match(outcome.decision, /not clearly above chance/);
    }
    assert.equal((await fx.deps.registry.latest('shuffle'))?.version, real.modelVersion);
  });

  it('coalesces triggers that arrive during a run into one follow-up run, never two concurrent fits', async () => {
    const data = { keys: [await putCsv('raw/co/messages.csv', sampleMessages(200, 1200))] };
    // No worker yet: all three triggers reach the server before the first run has done anything.
    const first = await signalWithStartTraining(fx.env.client, fx.taskQueue, input('co', data, { reason: 'first' }));
    const secondInput = input('co', data, { reason: 'second' });
    const second = await signalWithStartTraining(fx.env.client, fx.taskQueue, secondInput);
    const third = await signalWithStartTraining(fx.env.client, fx.taskQueue, input('co', data, { reason: 'third' }));
    // A retried trigger (same request id) is the same request.
    await signalWithStartTraining(fx.env.client, fx.taskQueue, secondInput);
    assert.equal(second.signaledRunId, first.signaledRunId);
    assert.equal(third.signaledRunId, first.signaledRunId);

    await startWorker();
    const final = await first.result(); // follows the continue-as-new chain
    const firstRun = await fx.env.client.workflow.getHandle(trainingWorkflowId('co'), first.signaledRunId).describe();
    assert.equal(firstRun.status.name, 'CONTINUED_AS_NEW');
    const lastRun = await fx.env.client.workflow.getHandle(trainingWorkflowId('co')).describe();
    assert.notEqual(lastRun.runId, first.signaledRunId);
    assert.equal(lastRun.status.name, 'COMPLETED');
    assert.equal(final.followUp, false);

    // Two fits for three triggers: one fit per run (the first also refit once promoted), the second
    // carrying both later requests.
    const versions = await fx.deps.registry.listVersions('co');
    const fits = [];
    for (const v of versions) {
      const m = await metricsOf('co', v.version);
      if (m.refitOf === undefined) fits.push(m);
    }
    assert.equal(fits.length, 2);
    const [m1, m2] = fits;
    assert.equal(m1.provenance.runId, first.signaledRunId);
    assert.equal(m2.provenance.runId, lastRun.runId);
    assert.equal(m2.provenance.reason, 'second; third');
    // One run at a time per workflow id: the second fit started after the first run had ended.
    assert.ok(firstRun.closeTime && lastRun.startTime >= firstRun.closeTime);
  });

  it('searches by successive halving, folds as bounded parallel activities, and fits the winner', async () => {
    await startWorker();
    const data = { keys: [await putCsv('raw/tune/messages.csv', sampleMessages(400, 1800))] };
    const handle = await signalWithStartTraining(
      fx.env.client,
      fx.taskQueue,
      input('tune', data, { tune: true, tuningBudget: 6, tuning: { folds: 3, parallelism: 2, minRungRows: 40 } }),
    );
    const outcome = await handle.result();
    const tuning = outcome.tuning;
    assert.ok(tuning, 'the outcome reports the search');
    // 6 candidates on a third of the training rows, the best 2 on all of them; 3 folds each.
    assert.deepEqual([tuning.folds, tuning.candidates, tuning.evaluations, tuning.stoppedByBudget], [3, 6, 24, false]);
    assert.deepEqual(
      tuning.rungs?.map((r) => r.candidates),
      [6, 2],
    );
    assert.equal(tuning.tried, undefined, 'the table of candidates stays out of the history');

    // Every candidate with its cross-validated scores is in the store.
    const table = JSON.parse((await fx.deps.store.get(tuning.resultKey as string)).toString());
    assert.equal(table.candidates.length, 6);
    assert.deepEqual(table.candidates[0].overrides, {}); // the request's own config competes too
    for (const c of table.candidates) {
      assert.equal(c.rungs[0].foldsRun, 3);
      assert.ok(c.rungs[0].failed !== undefined || (c.rungs[0].meanMacroF1 > 0.3 && c.rungs[0].meanMacroF1 <= 1), JSON.stringify(c));
    }
    const finalists = table.candidates.filter((c: Json) => c.rungs.length === 2);
    assert.equal(finalists.length, 2);
    // The finalists are the best two of the first rung, and the winner the best finalist.
    const firstRung = table.candidates
      .filter((c: Json) => c.rungs[0].meanMacroF1 !== null)
      .sort((x: Json, y: Json) => y.rungs[0].meanMacroF1 - x.rungs[0].meanMacroF1 || x.index - y.index);
    assert.deepEqual(
      finalists.map((c: Json) => c.index).sort(),
      firstRung
        .slice(0, 2)
        .map((c: Json) => c.index)
        .sort(),
    );
    const winner = finalists.sort((x: Json, y: Json) => y.rungs[1].meanMacroF1 - x.rungs[1].meanMacroF1 || x.index - y.index)[0];
    assert.equal(tuning.best.id, winner.id);
    assert.equal(tuning.best.meanMacroF1, winner.rungs[1].meanMacroF1);
    // Cross-validated on the training split only, the last rung on all of it.
    assert.equal(winner.rungs[1].rows, outcome.trainRows);

    // The final fit used the winner's configuration, and its metrics.json says where the CV figure comes from.
    const evaluated = outcome.evaluatedVersion ?? outcome.modelVersion;
    const config = JSON.parse((await fx.deps.store.get(fx.deps.registry.versionKeys('tune', evaluated).config)).toString()).training;
    const best = tuning.best.overrides as Json;
    if (best.classifier) assert.equal(config.classifier.variant, best.classifier.variant);
    if (best.features) assert.equal(config.features, best.features);
    const cv = (await metricsOf('tune', evaluated)).figures.crossValidation;
    assert.deepEqual([cv.rows, cv.count, cv.folds, cv.candidate], ['training', outcome.trainRows, 3, tuning.best.id]);

    // One activity per fold, never more than `parallelism` outstanding, each result a few numbers.
    const history = await handle.fetchHistory();
    let outstanding = 0;
    let peak = 0;
    const evaluations = new Set<string>();
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'evaluateFold') {
        evaluations.add(String(event.eventId));
        peak = Math.max(peak, ++outstanding);
      }
      const closed = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
      if (closed && evaluations.has(String(closed.scheduledEventId))) {
        outstanding--;
        const size = event.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data?.length ?? 0;
        assert.ok(size < 512, `a fold result of ${size} bytes`);
      }
    }
    assert.equal(evaluations.size, 24);
    assert.equal(peak, 2);
  });

  it('stops the search when its time budget is spent and still trains, on the request config if nothing was scored', async () => {
    await startWorker();
    const data = { keys: [await putCsv('raw/budget/messages.csv', sampleMessages(200, 2600))] };
    const outcome = await train('budget', data, { tune: true, tuningBudget: 30, tuning: { folds: 3, budgetMs: 1 } });
    const tuning = outcome.tuning;
    assert.ok(tuning);
    assert.equal(tuning.stoppedByBudget, true);
    assert.equal(tuning.evaluations, 0);
    assert.equal(tuning.best.rung, -1);
    assert.deepEqual(tuning.best.overrides, {});
    assert.equal(outcome.promoted, true, outcome.decision);
  });

  it('resumes a fit after its worker is killed and ends with the same model as an uninterrupted run', async () => {
    const messages = sampleMessages(300, 2400);
    const data = { keys: [await putCsv('raw/crash/messages.csv', messages)] };
    const shape = { shardRows: 30, fitHeartbeatTimeoutMs: 3000 };

    // Workflows run in this process; activities, at first, only in a child process we can kill.
    const workflowsOnly = await Worker.create({
      connection: fx.env.nativeConnection,
      namespace: fx.env.namespace ?? 'default',
      taskQueue: fx.taskQueue,
      workflowBundle: await workflowBundle(),
    });
    workers.push({ worker: workflowsOnly, running: workflowsOnly.run() });
    const child = spawn(process.execPath, [path.join(__dirname, '../helpers/training-activity-worker.js')], {
      env: {
        ...process.env,
        TRAINING_WORKER: JSON.stringify({
          address: fx.env.address,
          namespace: fx.env.namespace ?? 'default',
          taskQueue: fx.taskQueue,
          storeRoot: path.join(fx.dir, 'store'),
          notificationsFile: fx.notificationsFile,
          slowKeyPattern: '^training/crash/.*/train-\\d+\\.jsonl$',
          delayMs: 300,
        }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`activity worker exited with ${code}`)));
    });

    const handle = await signalWithStartTraining(fx.env.client, fx.taskQueue, input('crash', data, shape));
    // Kill once the server holds a checkpoint of the second pass, with shards still to go.
    const seen = await waitFor('a counts checkpoint in the heartbeat details', async () => {
      const description = await handle.describe();
      const fit = description.raw.pendingActivities?.find((a) => a.activityType?.name === 'fitCandidate');
      const payload = fit?.heartbeatDetails?.payloads?.[0];
      const details = payload ? await decodePayload<FitProgress>(payload) : undefined;
      return details?.stage === 'counts' && (details.countsShards ?? 0) >= 2 ? details : undefined;
    });
    child.kill('SIGKILL');
    assert.ok(seen.vocabularyKey);
    assert.ok((seen.countsShards as number) < seen.shards, `killed with ${seen.countsShards} of ${seen.shards} shards counted`);

    // A healthy activity worker picks up the retry once the heartbeat timeout notices the dead one.
    // (One process may not run two workers with overlapping task types on a queue: activities only.)
    for (const taskQueue of [fx.taskQueue, cpuTaskQueue(fx.taskQueue)]) {
      const activitiesOnly = await Worker.create({
        connection: fx.env.nativeConnection,
        namespace: fx.env.namespace ?? 'default',
        taskQueue,
        activities: {
          ...createTrainingActivities({ ...fx.deps }),
          ...createDriftActivities({ ...fx.deps }),
          ...createReportActivities(fx.deps),
          ...createTelemetryActivities(fx.deps),
        },
      });
      workers.push({ worker: activitiesOnly, running: activitiesOnly.run() });
    }
    const crashed = await handle.result();
    // The crashed fit is the judged one; the refit that followed its promotion ran undisturbed.
    const judged = crashed.evaluatedVersion as string;
    const reference = await train('crash-ref', data, shape);
    const fit = (await metricsOf('crash', judged)).fit;
    assert.ok(fit.attempt >= 2, `attempt ${fit.attempt}`);
    assert.equal(fit.resumedFrom.stage, 'counts');
    assert.ok(fit.resumedFrom.shardsDone >= (seen.countsShards as number) && fit.resumedFrom.shardsDone < fit.shards);
    // Checkpoints are cleaned up once the version is saved.
    assert.equal(await fx.deps.store.head(seen.vocabularyKey as string), undefined);

    const [a, b] = [
      fx.deps.registry.versionKeys('crash', judged),
      fx.deps.registry.versionKeys('crash-ref', reference.evaluatedVersion as string),
    ];
    const read = async (key: string) => JSON.parse((await fx.deps.store.get(key)).toString());
    const [modelA, modelB] = [await read(a.model), await read(b.model)];
    assert.deepEqual({ ...modelA, trainedAt: null }, { ...modelB, trainedAt: null });
    assert.deepEqual(await read(a.preprocessor), await read(b.preprocessor));
    assert.deepEqual(await read(a.config), await read(b.config));
    assert.deepEqual(crashed.metrics, reference.metrics);

    // Same log-probabilities on every held-out row.
    const [classifierA, classifierB] = [
      await fx.deps.registry.load('crash', judged),
      await fx.deps.registry.load('crash-ref', reference.evaluatedVersion as string),
    ];
    const held = messages.filter((_, i) => i % 3 === 0);
    for (const m of held) {
      const doc = toLabelledDoc({ title: m.subject, body: m.body, label: m.label }, classifierA.config);
      assert.deepEqual(classifierA.predict(doc.features), classifierB.predict(doc.features));
    }
  });

  it('creates the schedule idempotently from the CLI, and a fire trains through train-<model> on staged rows', async () => {
    await startWorker();
    const model = `sched${Date.now().toString(36)}`;
    const scheduleId = trainingScheduleId(model);
    const cli = path.join(__dirname, '../../src/client/cli.js');
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: fx.env.address,
      TEMPORAL_TASK_QUEUE: fx.taskQueue,
      TEMPORAL_EMBEDDED: 'false',
      DATA_DIR: fx.dir,
      STORE_ROOT: path.join(fx.dir, 'store'),
      ...testCodecEnv,
    };
    const first = JSON.parse(
      (await run(process.execPath, [cli, 'schedule', 'training', '--every', '24h', '--model', model, '--json'], { env })).stdout,
    );
    const again = JSON.parse(
      (await run(process.execPath, [cli, 'schedule', 'training', '--every', '12h', '--model', model, '--json'], { env })).stdout,
    );
    try {
      assert.deepEqual([first.scheduleId, first.created], [scheduleId, true]);
      assert.deepEqual([again.scheduleId, again.created], [scheduleId, false]);
      const description = await describeTrainingSchedule(fx.env.client, model);
      assert.equal(description?.spec.intervals?.[0]?.every, 12 * 3600 * 1000); // the second call updated it
      assert.equal(description?.policies.overlap, 'SKIP');
      const listed = await waitFor('the schedule in the listing', async () => {
        const ids: string[] = [];
        for await (const s of fx.env.client.schedule.list()) if (s.scheduleId.startsWith(`train-${model}`)) ids.push(s.scheduleId);
        return ids.length > 0 ? ids : undefined;
      });
      assert.deepEqual(listed, [scheduleId]);

      // A fire: the scheduled workflow forwards its request to train-<model>, which trains on staged/.
      const staged = sampleMessages(200, 3000);
      await stageBatch('s1', staged);
      await fx.env.client.schedule.getHandle(scheduleId).trigger();
      const training = fx.env.client.workflow.getHandle(trainingWorkflowId(model));
      await waitFor('train-<model> to start', async () => (await training.describe().catch(() => undefined)) && true);
      const outcome = (await training.result()) as TrainingOutcomeV1;
      assert.equal(outcome.trainRows + outcome.testRows, distinctTexts(staged)); // duplicates dropped
      const provenance = (await metricsOf(model, outcome.modelVersion)).provenance;
      assert.equal(provenance.trigger, 'schedule');
      assert.match(provenance.reason, new RegExp(`scheduled retraining on staged/ \\(schedule ${scheduleId}, fire ${scheduleId}-`));

      await changeTrainingSchedule(fx.env.client, model, 'pause');
      assert.equal((await describeTrainingSchedule(fx.env.client, model))?.state.paused, true);
      await changeTrainingSchedule(fx.env.client, model, 'unpause');
      assert.equal((await describeTrainingSchedule(fx.env.client, model))?.state.paused, false);
    } finally {
      await changeTrainingSchedule(fx.env.client, model, 'delete').catch(() => undefined);
    }
    assert.equal(await describeTrainingSchedule(fx.env.client, model), undefined);
  });

  const distinctTexts = (messages: LabelledMessage[]) => new Set(messages.map((m) => `${m.subject}\u0000${m.body}`)).size;

  /** What ingestBatch leaves under staged/: validated rows with their labels. */
  async function stageBatch(batchId: string, messages: LabelledMessage[]): Promise<void> {
    const rows: StagedRecord[] = messages.map((m, i) => ({
      id: m.id,
      source: { key: `raw/${batchId}/in.csv`, line: i + 2 },
      title: m.subject,
      body: m.body,
      label: m.label,
    }));
    await fx.deps.store.put(layout.staged(batchId, 0), toJsonl(rows));
  }

  it('requests training from the data trigger once enough labelled rows arrived, counting each batch once', async () => {
    const withoutClient = createTrainingActivities({ ...fx.deps });
    // The expected failure below would otherwise be logged at WARN.
    const mock = new MockActivityEnvironment({ taskQueue: fx.taskQueue }, { logger: new DefaultLogger('ERROR') });
    await assert.rejects(
      mock.run(withoutClient.requestTrainingIfDue, { modelName: 'data', batchId: 'b0', labelledRows: 1, threshold: 1 }),
      (err: unknown) => err instanceof ApplicationFailure && err.type === trainingFailureTypes.clientMissing && err.nonRetryable,
    );

    await startWorker();
    const { requestTrainingIfDue } = createTrainingActivities({
      ...fx.deps,
      client: fx.env.client as Client,
      trainingTaskQueue: fx.taskQueue,
    });
    const due = (batchId: string, labelledRows: number) =>
      mock.run(requestTrainingIfDue, { modelName: 'data', batchId, labelledRows, threshold: 200 });
    const batches: Array<[string, number, number]> = [
      ['b1', 120, 0],
      ['b2', 50, 500],
      ['b3', 20, 700],
      ['b4', 30, 900],
    ];
    const all: LabelledMessage[] = [];
    for (const [batchId, rows, offset] of batches) {
      const messages = sampleMessages(rows, offset);
      all.push(...messages);
      await stageBatch(batchId, messages);
    }

    assert.deepEqual(await due('b1', 120), { requested: false, labelledSinceLastTraining: 120 });
    assert.deepEqual(await due('b1', 120), { requested: false, labelledSinceLastTraining: 120 }); // a retry
    // Concurrent batches: compare-and-set keeps both counts.
    await Promise.all([due('b2', 50), due('b3', 20)]);
    const counter = async () => JSON.parse((await fx.deps.store.get(labelledCounterKey('data'))).toString()) as LabelledCounterV1;
    assert.equal((await counter()).count, 190);
    assert.deepEqual(await due('b4', 30), { requested: true, labelledSinceLastTraining: 220 });

    const outcome = (await fx.env.client.workflow.getHandle(trainingWorkflowId('data')).result()) as TrainingOutcomeV1;
    assert.equal(outcome.trainRows + outcome.testRows, distinctTexts(all)); // everything under staged/, duplicates dropped
    const provenance = (await metricsOf('data', outcome.modelVersion)).provenance;
    assert.equal(provenance.trigger, 'data');
    assert.match(provenance.reason, /220 labelled rows since the last training \(threshold 200\), batch b4/);
    // Assembling the set reset the counter; the next batch counts from zero.
    const after = await counter();
    assert.equal(after.count, 0);
    assert.deepEqual(after.acknowledgedRuns, [provenance.runId]);
    assert.deepEqual(await due('b5', 10), { requested: false, labelledSinceLastTraining: 10 });
  });

  it('promotes and rolls back by hand through the manualPromotion workflow, with compare-and-set and notifications', async () => {
    await startWorker();
    const data = { keys: [await putCsv('raw/man/messages.csv', sampleMessages(200, 3600))] };
    const v1 = await train('man', data);
    const v2 = await train('man', data, { config: { vectorizer: { maxFeatures: 5, ngramRange: [1, 1] } } });
    assert.deepEqual([v1.promoted, v2.promoted], [true, false]);

    const promoted = await runManualPromotion(fx.env.client, settings, {
      version: 1,
      modelName: 'man',
      action: 'promote',
      targetVersion: v2.modelVersion,
      reason: 'canary',
    });
    assert.deepEqual([promoted.fromVersion, promoted.toVersion, promoted.changed], [v1.modelVersion, v2.modelVersion, true]);
    let latest = await fx.deps.registry.latest('man');
    assert.deepEqual([latest?.version, latest?.previousVersion, latest?.reason], [v2.modelVersion, v1.modelVersion, 'promote: canary']);

    const rolledBack = await runManualPromotion(fx.env.client, settings, {
      version: 1,
      modelName: 'man',
      action: 'rollback',
      reason: 'canary failed',
    });
    assert.deepEqual([rolledBack.fromVersion, rolledBack.toVersion], [v2.modelVersion, v1.modelVersion]);
    latest = await fx.deps.registry.latest('man');
    assert.deepEqual([latest?.version, latest?.previousVersion], [v1.modelVersion, v2.modelVersion]);

    const again = await runManualPromotion(fx.env.client, settings, {
      version: 1,
      modelName: 'man',
      action: 'promote',
      targetVersion: v1.modelVersion,
      reason: 'no-op',
    });
    assert.equal(again.changed, false);

    await assert.rejects(
      runManualPromotion(fx.env.client, settings, {
        version: 1,
        modelName: 'man',
        action: 'promote',
        targetVersion: 'v99',
        reason: 'typo',
      }),
      (err: unknown) =>
        err instanceof WorkflowFailedError && (err.cause?.cause as ApplicationFailure)?.type === trainingFailureTypes.unknownVersion,
    );

    // Each change is in a workflow history and was announced.
    const manual = (await notifications()).filter((n) => n.attributes.modelName === 'man' && n.attributes.action);
    assert.deepEqual(
      manual.map((n) => [n.attributes.action, n.attributes.modelVersion, n.attributes.previousVersion]),
      [
        ['promote', v2.modelVersion, v1.modelVersion],
        ['rollback', v1.modelVersion, v2.modelVersion],
      ],
    );
    const view = await describeModel(fx.deps.store, fx.deps.registry, 'man');
    assert.deepEqual(
      view.versions.find((v) => v.version === v1.modelVersion)?.promotions.map((p) => p.reason),
      [`manual: ${v1.decision}`, 'rollback: canary failed'],
    );
  });
});

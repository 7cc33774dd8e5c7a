import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createTrainingActivities } from '../activities/training';
import {
  ContinuousTrainingInputV1,
  MetricSummaryV1,
  ScheduledTrainingInputV1,
  ScheduledTrainingOutcomeV1,
  TRAINING_DEFAULTS,
  trainingFailureTypes,
  TrainingOutcomeV1,
  TrainingRequestV1,
  trainingQueries,
  trainingSignals,
  TuningSummaryV1,
} from '../contracts/continuous-training';
import type { createDriftActivities } from '../activities/drift';
import type { ReportActivities } from '../activities/reports';
import type { TelemetryActivities } from '../activities/telemetry';
import { searchAttributes } from '../contracts/search-attributes';
import { meanOfFolds, searchWinner, survivors, type CandidateScore } from '../training/halving';
import { chooseLanguage, configuredLanguage, type LanguageChoice } from '../training/language-choice';
import { decidePromotion } from '../training/promotion';
import { bestCandidate } from '../training/tuning-choice';
import { cpuActivities } from './cpu-activities';
import { Semaphore } from './semaphore';
import { infraActivityOptions } from './retry-policy';
import { followUpInput, mergeRequests } from './training-follow-up';

type TrainingActivities = ReturnType<typeof createTrainingActivities>;
type DriftActivities = ReturnType<typeof createDriftActivities>;

// Infrastructure errors retry for a window of time (retry-policy.ts), not a few attempts.
const { describeChampion, promoteModel, notify, planTuning, submitTrainingRequest } = proxyActivities<TrainingActivities>(
  infraActivityOptions({ startToCloseMs: 60_000 }),
);

// The model report and the F1 metric are bookkeeping: they give up after half an hour.
const bookkeeping = { timeoutMs: 30 * 60_000 };
const { writeModelReport } = proxyActivities<ReportActivities>(infraActivityOptions({ startToCloseMs: 10 * 60_000 }, bookkeeping));
const { recordModelF1 } = proxyActivities<TelemetryActivities>(infraActivityOptions({ startToCloseMs: 60_000 }, bookkeeping));

/**
 * Options of the CPU-bound activities (assembling and featurising the set, the search's planning
 * and folds, fit, refit, evaluation, baseline), in one place so they can move to a CPU task queue
 * together. The heartbeat timeout comes from the input: it is how long a crashed worker's attempt
 * goes unnoticed before the work resumes elsewhere (a fit from its last checkpoint).
 */
function cpuActivityOptions(input: ContinuousTrainingInputV1) {
  return infraActivityOptions({
    startToCloseMs: 2 * 3_600_000,
    heartbeatMs: input.fitHeartbeatTimeoutMs ?? TRAINING_DEFAULTS.fitHeartbeatTimeoutMs,
    long: true,
  });
}

function heavyActivities(input: ContinuousTrainingInputV1) {
  const options = cpuActivityOptions(input);
  // Reading the training data and writing the search's table are I/O; featurising, fits, folds,
  // refits, evaluation and the baseline are CPU-bound: the CPU queue (see contracts/task-queues).
  const { assembleTrainingSet, summarizeSearch } = proxyActivities<TrainingActivities>(options);
  const { evaluateConfiguration, fitCandidate, evaluateVersion, refitCandidate, planSearch, evaluateFold } =
    cpuActivities<TrainingActivities>(options);
  // The baseline reads the whole training set once: as long as a fit, heartbeating every shard it reads.
  const { computeBaseline } = cpuActivities<DriftActivities>(
    infraActivityOptions({ startToCloseMs: 2 * 3_600_000, heartbeatMs: 120_000, long: true }),
  );
  return {
    assembleTrainingSet,
    summarizeSearch,
    evaluateConfiguration,
    fitCandidate,
    evaluateVersion,
    refitCandidate,
    planSearch,
    evaluateFold,
    computeBaseline,
  };
}

/** Patch ids (workflow versioning): histories recorded before each change replay along the old path. */
const PATCHES = {
  /** Successive-halving search with folds as activities, replacing the fixed grid of one activity per configuration. */
  budgetedSearch: 'budgeted-search',
  /** A promoted challenger is refit on training + held-out rows and the refit is promoted. */
  refitAfterPromotion: 'refit-after-promotion',
} as const;

export const requestTrainingSignal = defineSignal<[TrainingRequestV1]>(trainingSignals.requestTraining);

export interface TrainingStatus {
  phase: 'assembling' | 'tuning' | 'fitting' | 'evaluating-champion' | 'deciding' | 'refitting' | 'done';
  request: TrainingRequestV1;
  pendingFollowUp: boolean;
  candidateVersion?: string;
}
export const trainingStatusQuery = defineQuery<TrainingStatus>(trainingQueries.status);

const MAX_PROMOTION_RACES = 5;

/**
 * Trains a challenger, evaluates it and the champion on the same held-out rows, and promotes the
 * challenger only when it is better. One run per model name (the workflow id); requests that
 * arrive meanwhile coalesce into a single follow-up run, started with continue-as-new.
 */
export async function continuousTraining(input: ContinuousTrainingInputV1): Promise<TrainingOutcomeV1> {
  const { modelName, request } = input;
  const { assembleTrainingSet, evaluateConfiguration, fitCandidate, evaluateVersion, refitCandidate, computeBaseline } =
    heavyActivities(input);
  let followUp: TrainingRequestV1 | undefined;
  const status: TrainingStatus = { phase: 'assembling', request, pendingFollowUp: false };
  // signalWithStart delivers the starting request as a signal too, and a retried trigger sends
  // its request again: a request id seen in this run is not a new request.
  const seenRequests = new Set([request.requestId]);
  setHandler(requestTrainingSignal, (incoming) => {
    if (seenRequests.has(incoming.requestId)) return;
    seenRequests.add(incoming.requestId);
    followUp = followUp ? mergeRequests(followUp, incoming) : incoming;
    status.pendingFollowUp = true;
  });
  setHandler(trainingStatusQuery, () => status);
  upsertSearchAttributes([
    { key: searchAttributes.modelName, value: modelName },
    { key: searchAttributes.pipelineStage, value: 'training' },
  ]);

  const workflowId = workflowInfo().workflowId;
  const runId = workflowInfo().runId;
  // A notification that cannot be sent must not take the queued follow-up requests down with it.
  const notifyOrLog = (notification: Parameters<typeof notify>[0]) =>
    notify(notification).catch((err: unknown) =>
      log.error('could not send a notification', {
        event: notification.event,
        error: err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err),
      }),
    );
  let outcome: TrainingOutcomeV1 | undefined;
  try {
    const set = await assembleTrainingSet({
      modelName,
      runId,
      data: request.data,
      testFraction: input.testFraction,
      seed: input.seed,
      maxRecordBytes: input.maxRecordBytes,
      shardRows: input.shardRows,
      detectLanguage: configuredLanguage(input.config) === undefined,
    });
    if (set.trainRows + set.testRows === 0) {
      throw ApplicationFailure.create({
        type: trainingFailureTypes.noTrainingData,
        nonRetryable: true,
        message: `no labelled rows to train on (${set.unlabelled} unlabelled, ${set.rejectedRows} unreadable, ${set.rejectedFiles.length} files rejected)`,
      });
    }
    if (set.trainRows === 0 || set.testRows === 0) {
      throw ApplicationFailure.create({
        type: trainingFailureTypes.tooFewLabelledRows,
        nonRetryable: true,
        message:
          `only ${set.trainRows + set.testRows} labelled ${set.trainRows + set.testRows === 1 ? 'row' : 'rows'}: too few to hold out a test split ` +
          `(${set.trainRows} for training, ${set.testRows} held out at test fraction ${input.testFraction})`,
      });
    }

    // The model's language: the request's, else the one detected in the rows (recorded in its config).
    const chosen = chooseLanguage(input.config, set.language?.language, DEFAULT_LANGUAGE);
    const language: LanguageChoice = chosen.choice;
    let config = chosen.config;
    let tuning: TuningSummaryV1 | undefined;
    let crossValidation: Record<string, unknown> | null = null;
    if (request.tune) {
      status.phase = 'tuning';
      if (patched(PATCHES.budgetedSearch)) {
        const searched = await budgetedSearch(input, { modelName, runId, set, config });
        config = searched.config;
        tuning = searched.summary;
        crossValidation = searched.crossValidation;
      } else {
        // The fixed grid, for histories recorded before the budgeted search.
        const folds = input.tuning?.folds ?? TRAINING_DEFAULTS.tuningFolds;
        const plan = await planTuning({ config: input.config, budget: input.tuningBudget, seed: input.seed });
        const gate = new Semaphore(input.tuning?.parallelism ?? TRAINING_DEFAULTS.tuningParallelism);
        const tried = await Promise.all(
          plan.map((candidate) =>
            gate.run(() =>
              evaluateConfiguration({
                trainKeys: set.trainKeys,
                trainRows: set.trainRows,
                candidate,
                folds,
                seed: input.seed,
                maxRows: input.tuning?.maxRows ?? TRAINING_DEFAULTS.tuningMaxRows,
              }),
            ),
          ),
        );
        const best = bestCandidate(tried);
        config = plan.find((candidate) => candidate.id === best.id)?.config ?? input.config;
        tuning = { folds, tried, best };
      }
    }

    status.phase = 'fitting';
    const candidate = await fitCandidate({
      modelName,
      runId,
      trainKeys: set.trainKeys,
      testKeys: set.testKeys,
      config,
      provenance: {
        workflowId,
        runId,
        trigger: request.trigger,
        reason: request.reason,
        labelCounts: set.labelCounts,
        tuned: tuning?.best.id ?? null,
        language: { ...language, ...(set.language && { votes: set.language.votes, documentsLooked: set.language.documents }) },
      },
      crossValidation,
    });
    status.candidateVersion = candidate.modelVersion;
    upsertSearchAttributes([{ key: searchAttributes.modelVersion, value: candidate.modelVersion }]);
    // Stored with the version, so driftCorrection compares batches with what this model learned from.
    await computeBaseline({ modelName, version: candidate.modelVersion, trainKeys: set.trainKeys, testKeys: set.testKeys });

    let refit: { modelVersion: string; rows: number } | undefined;
    for (let race = 0; !outcome; race++) {
      status.phase = 'evaluating-champion';
      const champion = await describeChampion({ modelName });
      const championMetrics: MetricSummaryV1 | null = champion
        ? await evaluateVersion({ modelName, version: champion.version, testKeys: set.testKeys })
        : null;
      status.phase = 'deciding';
      const decision = decidePromotion(candidate.metrics, championMetrics, candidate.baseline, input.policy);
      let promotedVersion = candidate.modelVersion;
      if (decision.promote) {
        if ((input.refit ?? true) && patched(PATCHES.refitAfterPromotion)) {
          // Chosen and judged on rows it never saw; now learn from those rows too.
          status.phase = 'refitting';
          refit ??= await refitCandidate({
            modelName,
            runId,
            trainKeys: set.trainKeys,
            testKeys: set.testKeys,
            config,
            evaluatedVersion: candidate.modelVersion,
            provenance: { workflowId, runId, trigger: request.trigger, reason: request.reason, labelCounts: set.labelCounts },
          });
          await computeBaseline({
            modelName,
            version: refit.modelVersion,
            trainKeys: [...set.trainKeys, ...set.testKeys],
            testKeys: set.testKeys,
          });
          promotedVersion = refit.modelVersion;
        }
        try {
          await promoteModel({
            modelName,
            version: promotedVersion,
            expectedEtag: champion?.etag ?? null,
            reason: `${request.trigger}: ${decision.reason}`,
          });
        } catch (err) {
          // Another run promoted between our read and our write: decide again against the new champion.
          if (
            err instanceof ActivityFailure &&
            (err.cause as ApplicationFailure)?.type === trainingFailureTypes.concurrentPromotion &&
            race < MAX_PROMOTION_RACES
          )
            continue;
          throw err;
        }
      }
      outcome = {
        version: 1,
        workflowId,
        modelName,
        modelVersion: promotedVersion,
        promoted: decision.promote,
        decision: decision.reason,
        metrics: candidate.metrics,
        champion: champion && championMetrics ? { version: champion.version, metrics: championMetrics } : null,
        trainRows: candidate.trainRows,
        testRows: set.testRows,
        followUp: followUp !== undefined,
        ...(request.ignored && { ignoredSettings: request.ignored }),
        ...(tuning && { tuning }),
        config: config ?? {},
        ...(promotedVersion !== candidate.modelVersion && {
          evaluatedVersion: candidate.modelVersion,
          refit: { version: promotedVersion, rows: refit?.rows ?? 0 },
        }),
        language,
      };
    }
    if (outcome.modelVersion !== candidate.modelVersion) {
      upsertSearchAttributes([{ key: searchAttributes.modelVersion, value: outcome.modelVersion }]);
    }

    if (patched('model-report')) {
      // The champion after this run: the promoted challenger, or the champion that was kept.
      const champion =
        outcome.promoted || !outcome.champion ? { version: outcome.modelVersion, metrics: outcome.metrics } : outcome.champion;
      if (outcome.promoted || outcome.champion) {
        await recordModelF1({ modelName, modelVersion: champion.version, macroF1: champion.metrics.macroF1 });
      }
      const report = await writeModelReport({
        run: {
          modelName,
          version: outcome.modelVersion,
          workflowId,
          runId,
          trigger: request.trigger,
          promoted: outcome.promoted,
          decision: outcome.decision,
          challenger: outcome.metrics,
          champion: outcome.champion,
          tuning: outcome.tuning ?? null,
          trainRows: outcome.trainRows,
          testRows: outcome.testRows,
          config: outcome.config ?? {},
        },
      }).catch((err) => {
        log.warn('model report not written', { modelName, version: outcome?.modelVersion, error: (err as Error).message });
        return undefined;
      });
      if (report) upsertMemo({ report: report.key, run: report.runKey });
    }
    await notifyOrLog({
      event: outcome.promoted ? 'model.promoted' : 'model.rejected',
      severity: outcome.promoted ? 'info' : 'warning',
      subject: `${modelName}@${outcome.modelVersion} ${outcome.promoted ? 'promoted' : 'not promoted'}`,
      message:
        `${outcome.decision}. Challenger macro F1 ${fmt(outcome.metrics.macroF1)}, accuracy ${fmt(outcome.metrics.accuracy)}` +
        (outcome.champion
          ? `; champion ${outcome.champion.version} macro F1 ${fmt(outcome.champion.metrics.macroF1)}, accuracy ${fmt(outcome.champion.metrics.accuracy)}`
          : '') +
        '.',
      attributes: {
        modelName,
        modelVersion: outcome.modelVersion,
        promoted: String(outcome.promoted),
        workflowId,
        trigger: request.trigger,
        challengerMacroF1: outcome.metrics.macroF1,
        championVersion: outcome.champion?.version ?? 'none',
        championMacroF1: outcome.champion?.metrics.macroF1 ?? -1,
      },
    });
    status.phase = 'done';
    upsertSearchAttributes([{ key: searchAttributes.pipelineStage, value: outcome.promoted ? 'promoted' : 'rejected' }]);
  } catch (err) {
    await notifyOrLog({
      event: 'training.failed',
      severity: 'error',
      subject: `Training ${modelName} failed`,
      message: `continuousTraining for ${modelName} failed: ${err instanceof Error ? err.message : String(err)}`,
      attributes: { modelName, workflowId, trigger: request.trigger },
    });
    if (!followUp) throw err;
  }
  if (followUp) {
    // Fresh history for the next run; the outcome of this one stays in this run's history. The
    // requests it serves bring their settings (merged); what cannot be taken is in the outcome.
    await continueAsNew<typeof continuousTraining>(followUpInput(input, followUp));
  }
  return outcome as TrainingOutcomeV1; // set whenever the try block did not throw
}

/**
 * What a Temporal Schedule starts. A Schedule appends the fire time to the workflow id it starts,
 * so it cannot start `train-<model>` itself; this forwards the fire's request there with
 * signal-with-start (via an activity: workflows cannot signal-with-start), which keeps one
 * training run per model whatever the trigger. The fire's own workflow id is the request id, so
 * a retried forward is recognised as the same request.
 */
export async function scheduledTraining(input: ScheduledTrainingInputV1): Promise<ScheduledTrainingOutcomeV1> {
  const fire = workflowInfo().workflowId;
  upsertSearchAttributes([
    { key: searchAttributes.modelName, value: input.training.modelName },
    { key: searchAttributes.pipelineStage, value: 'training-scheduled' },
  ]);
  return await submitTrainingRequest({
    ...input.training,
    request: {
      ...input.training.request,
      requestId: fire,
      trigger: 'schedule',
      reason: `${input.training.request.reason} (schedule ${input.scheduleId}, fire ${fire})`,
    },
  });
}

/** The engine's default language, when neither the request nor the rows name one (src/text/options.ts). */
const DEFAULT_LANGUAGE = 'en';

/**
 * The budgeted search: successive halving over a random draw of configurations (planSearch draws
 * them and featurises the training rows once). Each rung cross-validates the candidates still in
 * the race on a larger nested sample, every fold its own activity (bounded by `parallelism`), and
 * keeps the best 1/factor. No fold starts once the time budget is spent; the best candidate of
 * the highest rung that scored any wins. Only scores pass through history; the table of every
 * candidate is written to the store by summarizeSearch.
 */
async function budgetedSearch(
  input: ContinuousTrainingInputV1,
  run: { modelName: string; runId: string; set: { trainKeys: string[]; trainRows: number }; config: Record<string, unknown> | undefined },
): Promise<{ config: Record<string, unknown>; summary: TuningSummaryV1; crossValidation: Record<string, unknown> | null }> {
  const { planSearch, evaluateFold, summarizeSearch } = heavyActivities(input);
  const folds = input.tuning?.folds ?? TRAINING_DEFAULTS.tuningFolds;
  const deadline = Date.now() + (input.tuning?.budgetMs ?? TRAINING_DEFAULTS.tuningBudgetMs);
  const plan = await planSearch({
    modelName: run.modelName,
    runId: run.runId,
    trainKeys: run.set.trainKeys,
    trainRows: run.set.trainRows,
    config: run.config,
    budget: input.tuningBudget,
    seed: input.seed,
    folds,
    maxRows: input.tuning?.maxRows ?? TRAINING_DEFAULTS.tuningMaxRows,
    halvingFactor: input.tuning?.halvingFactor ?? TRAINING_DEFAULTS.tuningHalvingFactor,
    minRungRows: input.tuning?.minRungRows ?? TRAINING_DEFAULTS.tuningMinRungRows,
  });
  const gate = new Semaphore(input.tuning?.parallelism ?? TRAINING_DEFAULTS.tuningParallelism);
  const rungScores: CandidateScore[][] = [];
  let stoppedByBudget = false;
  for (let rung = 0; rung < plan.rungs.length && !stoppedByBudget; rung++) {
    const alive =
      rung === 0 ? Array.from({ length: plan.candidates }, (_, i) => i) : survivors(rungScores[rung - 1], plan.rungs[rung].candidates);
    if (alive.length === 0) break;
    const scores = await Promise.all(
      alive.map(async (index): Promise<CandidateScore> => {
        const perFold = await Promise.all(
          Array.from({ length: folds }, (_, fold) =>
            gate.run(async () => {
              if (Date.now() >= deadline) {
                stoppedByBudget = true;
                return null;
              }
              return (await evaluateFold({ planKey: plan.planKey, candidate: index, rung, fold })).macroF1;
            }),
          ),
        );
        return { index, meanMacroF1: meanOfFolds(perFold) };
      }),
    );
    rungScores.push(scores);
  }
  const outcome = await summarizeSearch({ planKey: plan.planKey, winner: searchWinner(rungScores), stoppedByBudget });
  return { config: outcome.config, summary: outcome.summary, crossValidation: outcome.crossValidation };
}

function fmt(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

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
import { decidePromotion } from '../training/promotion';
import { bestCandidate } from '../training/tuning-choice';
import { cpuActivities } from './cpu-activities';
import { Semaphore } from './semaphore';
import { infrastructureRetry } from './retry-policy';

type TrainingActivities = ReturnType<typeof createTrainingActivities>;
type DriftActivities = ReturnType<typeof createDriftActivities>;

const retry = infrastructureRetry;
const { describeChampion, promoteModel, notify, planTuning, submitTrainingRequest } = proxyActivities<TrainingActivities>({
  startToCloseTimeout: '1m',
  retry,
});

// The model report renders from metrics.json and the model: a failure must not fail the training run.
const { writeModelReport } = proxyActivities<ReportActivities>({ startToCloseTimeout: '10m', retry: { ...retry, maximumAttempts: 3 } });
const { recordModelF1 } = proxyActivities<TelemetryActivities>({ startToCloseTimeout: '1m', retry: { ...retry, maximumAttempts: 5 } });

/**
 * The long activities, with the heartbeat timeout from the input: it is how long a crashed
 * worker's attempt goes unnoticed before the fit resumes elsewhere from its last checkpoint.
 */
function heavyActivities(input: ContinuousTrainingInputV1) {
  const options = {
    startToCloseTimeout: '2h',
    heartbeatTimeout: input.fitHeartbeatTimeoutMs ?? TRAINING_DEFAULTS.fitHeartbeatTimeoutMs,
    retry,
  } as const;
  // Reading the training data is I/O; fits, folds and evaluation are CPU-bound: the CPU queue.
  const { assembleTrainingSet } = proxyActivities<TrainingActivities>(options);
  const { evaluateConfiguration, fitCandidate, evaluateVersion } = cpuActivities<TrainingActivities>(options);
  // The baseline reads the whole training set once: as long as a fit, so the same generous limits.
  const { computeBaseline } = cpuActivities<DriftActivities>({ startToCloseTimeout: '2h', heartbeatTimeout: '2m', retry });
  return { assembleTrainingSet, evaluateConfiguration, fitCandidate, evaluateVersion, computeBaseline };
}

export const requestTrainingSignal = defineSignal<[TrainingRequestV1]>(trainingSignals.requestTraining);

export interface TrainingStatus {
  phase: 'assembling' | 'tuning' | 'fitting' | 'evaluating-champion' | 'deciding' | 'done';
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
  const { assembleTrainingSet, evaluateConfiguration, fitCandidate, evaluateVersion, computeBaseline } = heavyActivities(input);
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
    });
    if (set.trainRows === 0 || set.testRows === 0) {
      throw ApplicationFailure.create({
        type: trainingFailureTypes.noTrainingData,
        nonRetryable: true,
        message: `no labelled rows to train on (${set.trainRows} train, ${set.testRows} test, ${set.unlabelled} unlabelled, ${set.rejectedFiles.length} files rejected)`,
      });
    }

    let config = input.config;
    let tuning: TuningSummaryV1 | undefined;
    if (request.tune) {
      // One activity per configuration, a bounded number at a time; each reads the shards by key.
      status.phase = 'tuning';
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
      },
    });
    status.candidateVersion = candidate.modelVersion;
    upsertSearchAttributes([{ key: searchAttributes.modelVersion, value: candidate.modelVersion }]);
    // Stored with the version, so driftCorrection compares batches with what this model learned from.
    await computeBaseline({ modelName, version: candidate.modelVersion, trainKeys: set.trainKeys, testKeys: set.testKeys });

    for (let race = 0; !outcome; race++) {
      status.phase = 'evaluating-champion';
      const champion = await describeChampion({ modelName });
      const championMetrics: MetricSummaryV1 | null = champion
        ? await evaluateVersion({ modelName, version: champion.version, testKeys: set.testKeys })
        : null;
      status.phase = 'deciding';
      const decision = decidePromotion(candidate.metrics, championMetrics, candidate.baseline, input.policy);
      if (decision.promote) {
        try {
          await promoteModel({
            modelName,
            version: candidate.modelVersion,
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
        modelVersion: candidate.modelVersion,
        promoted: decision.promote,
        decision: decision.reason,
        metrics: candidate.metrics,
        champion: champion && championMetrics ? { version: champion.version, metrics: championMetrics } : null,
        trainRows: candidate.trainRows,
        testRows: set.testRows,
        followUp: followUp !== undefined,
        ...(tuning && { tuning }),
        config: config ?? {},
      };
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
    await notify({
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
    await notify({
      event: 'training.failed',
      severity: 'error',
      subject: `Training ${modelName} failed`,
      message: `continuousTraining for ${modelName} failed: ${err instanceof Error ? err.message : String(err)}`,
      attributes: { modelName, workflowId, trigger: request.trigger },
    });
    if (!followUp) throw err;
  }
  if (followUp) {
    // Fresh history for the next run; the outcome of this one stays in this run's history.
    await continueAsNew<typeof continuousTraining>({ ...input, request: followUp });
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

function mergeRequests(a: TrainingRequestV1, b: TrainingRequestV1): TrainingRequestV1 {
  return {
    requestId: b.requestId,
    trigger: b.trigger,
    tune: a.tune || b.tune,
    reason: `${a.reason}; ${b.reason}`,
    data: {
      keys: [...new Set([...(a.data.keys ?? []), ...(b.data.keys ?? [])])],
      prefixes: [...new Set([...(a.data.prefixes ?? []), ...(b.data.prefixes ?? [])])],
      columns: b.data.columns ?? a.data.columns,
    },
  };
}

function fmt(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

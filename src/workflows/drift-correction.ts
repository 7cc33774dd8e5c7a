import {
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DriftActivities } from '../activities/drift';
import type { ReportActivities } from '../activities/reports';
import type { TelemetryActivities } from '../activities/telemetry';
import type { Notification } from '../notify/notifier';
import {
  driftFailureTypes,
  driftQueries,
  driftSignals,
  MAX_DRIFT_WINDOW,
  type DriftActionV1,
  type DriftCheckRequestV1,
  type DriftCorrectionInputV1,
  type DriftCorrectionResultV1,
  type DriftReportV1,
  type DriftStatusV1,
  type ScheduledDriftCheckInputV1,
} from '../contracts/drift-correction';
import { searchAttributes } from '../contracts/search-attributes';
// Pure modules only: the policy runs inside the workflow, so its decision is part of history.
import {
  assessStatistics,
  decideDrift,
  resolveDriftPolicy,
  type AssessedStatisticV1,
  type DriftDecisionV1,
  type DriftPolicyV1,
} from '../drift/policy';
import { driftKeys } from '../drift/keys';
import { cpuActivities } from './cpu-activities';
import { infraActivityOptions } from './retry-policy';

// Infrastructure errors retry for a window of time (retry-policy.ts), not a few attempts.
const { collectDriftWindow, compareDriftWindow, readDriftState, claimRetraining, startRetraining, writeDriftReport, publishDriftAlert } =
  proxyActivities<DriftActivities>(infraActivityOptions({ startToCloseMs: 10 * 60_000, heartbeatMs: 120_000 }));
// Computing a missing baseline cleans and scores a whole training set: long, heartbeating, CPU-bound.
const baselineActivities = () =>
  cpuActivities<DriftActivities>(infraActivityOptions({ startToCloseMs: 2 * 3_600_000, heartbeatMs: 120_000, long: true }));
const { submitDriftCheck } = proxyActivities<DriftActivities>(infraActivityOptions({ startToCloseMs: 60_000 }));
// The HTML report and the PSI metric are bookkeeping: they give up after half an hour.
const bookkeeping = { timeoutMs: 30 * 60_000 };
const { writeDriftReportHtml } = proxyActivities<ReportActivities>(infraActivityOptions({ startToCloseMs: 5 * 60_000 }, bookkeeping));
const { recordDriftPsi } = proxyActivities<TelemetryActivities>(infraActivityOptions({ startToCloseMs: 60_000 }, bookkeeping));

export const requestDriftCheckSignal = defineSignal<[DriftCheckRequestV1]>(driftSignals.requestCheck);
export const driftStatusQuery = defineQuery<DriftStatusV1>(driftQueries.status);

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Compares a model's recent batches with the baseline of the version that scored them, decides
 * with a pure, configurable policy (thresholds and a cooldown), alerts, and starts retraining or
 * tuning through continuousTraining. One run per model (`drift-<model>`); requests that arrive
 * meanwhile coalesce into one follow-up run (continue-as-new). Every run stores drift/<runId>.json.
 */
export async function driftCorrection(input: DriftCorrectionInputV1): Promise<DriftCorrectionResultV1> {
  const { modelName, request } = input;
  let followUp: DriftCheckRequestV1 | undefined;
  const status: DriftStatusV1 = { phase: 'collecting', request, pendingFollowUp: false };
  // signalWithStart delivers the starting request as a signal too, and a retried trigger sends its
  // request again (same id, derived from the batch): a request id seen in this run is not new.
  const seenRequests = new Set([request.requestId]);
  setHandler(requestDriftCheckSignal, (incoming) => {
    if (seenRequests.has(incoming.requestId)) return;
    seenRequests.add(incoming.requestId);
    followUp = followUp ? { ...incoming, reason: `${followUp.reason}; ${incoming.reason}` } : incoming;
    status.pendingFollowUp = true;
  });
  setHandler(driftStatusQuery, () => status);

  if (!MODEL_NAME.test(modelName)) throw invalidInput(`invalid model name ${JSON.stringify(modelName)}`);
  if (!Number.isInteger(input.window) || input.window < 1 || input.window > MAX_DRIFT_WINDOW) {
    throw invalidInput(`window must be an integer in [1, ${MAX_DRIFT_WINDOW}], got ${input.window}`);
  }
  let policy: DriftPolicyV1;
  try {
    policy = resolveDriftPolicy(input.policy);
  } catch (err) {
    throw ApplicationFailure.create({ type: driftFailureTypes.invalidPolicy, nonRetryable: true, message: (err as Error).message });
  }
  upsertSearchAttributes([
    { key: searchAttributes.modelName, value: modelName },
    { key: searchAttributes.pipelineStage, value: 'drift-check' },
  ]);

  const { workflowId, runId } = workflowInfo();
  const reportKey = driftKeys.report(runId);
  const checkedAt = new Date(Date.now()).toISOString();

  let result: DriftCorrectionResultV1;
  try {
    const collected = await collectDriftWindow({ modelName, window: input.window });
    const modelVersion = collected.modelVersion;
    let baselineKey: string | null = null;
    let statistics: AssessedStatisticV1[] = [];
    let documents = 0;
    let labelled = 0;
    let decision: DriftDecisionV1;
    const actions: DriftActionV1[] = [];

    if (modelVersion === null || collected.batches.length === 0) {
      decision = {
        decision: 'none',
        reasons: [`no scored batch of ${modelName} has statistics yet`],
        drifted: [],
        warned: [],
        retrain: false,
        tune: false,
        cooldown: { active: false, until: null, lastRetrainAt: null },
      };
    } else {
      status.phase = 'baseline';
      baselineKey = (await baselineActivities().ensureBaseline({ modelName, version: modelVersion })).key;
      upsertSearchAttributes([{ key: searchAttributes.modelVersion, value: modelVersion }]);
      status.phase = 'comparing';
      const comparison = await compareDriftWindow({
        modelName,
        modelVersion,
        baselineKey,
        statisticsKeys: collected.batches.map((b) => b.statisticsKey),
      });
      documents = comparison.documents;
      labelled = comparison.labelled;

      status.phase = 'deciding';
      statistics = assessStatistics(comparison.statistics, policy);
      const state = await readDriftState({ modelName });
      decision = decideDrift(statistics, policy, { lastRetrainAt: state.lastRetrainAt }, Date.now());

      if (decision.retrain) {
        status.phase = 'acting';
        const kind = decision.decision === 'tune' ? 'tune' : 'retrain';
        const claim = await claimRetraining({
          modelName,
          at: checkedAt,
          cooldownMs: policy.cooldownMs,
          decision: kind,
          driftWorkflowId: workflowId,
          driftRunId: runId,
          reportKey,
        });
        if (claim.claimed) {
          const started = await startRetraining({
            modelName,
            modelVersion,
            batchIds: collected.batches.map((b) => b.batchId),
            tune: decision.tune,
            requestId: `drift-${runId}`,
            reason: `drift check ${runId} (${reportKey}): ${decision.drifted.join(', ')}`,
          });
          actions.push({ type: kind, workflowId: started.workflowId, runId: started.runId, data: started.data });
        } else {
          // Another drift check started a retraining meanwhile: this one is inside its cooldown.
          decision = decideDrift(statistics, policy, { lastRetrainAt: claim.lastRetrainAt }, Date.now());
        }
      }
      if ((decision.decision === 'retrain' || decision.decision === 'tune') && !decision.retrain) {
        actions.push({
          type: 'suppressed',
          reason: 'cooldown',
          until: decision.cooldown.until,
          lastRetrainAt: decision.cooldown.lastRetrainAt,
        });
      }
    }
    status.decision = decision.decision;

    const alert = alertFor(decision);
    if (alert) actions.push({ type: 'alert', event: alert });
    result = {
      version: 1,
      workflowId,
      runId,
      modelName,
      modelVersion,
      baselineKey,
      decision: decision.decision,
      reasons: decision.reasons,
      statistics,
      actions,
      reportKey,
      window: { batches: collected.batches.map((b) => b.batchId), documents, labelled },
      followUp: followUp !== undefined,
    };
    const { version: _version, ...rest } = result;
    const report: DriftReportV1 = {
      schemaVersion: 1,
      ...rest,
      request,
      policy,
      checkedAt,
      statisticsKeys: collected.batches.map((b) => b.statisticsKey),
      cooldown: decision.cooldown,
    };
    await writeDriftReport({ key: reportKey, report });
    if (patched('drift-report-html')) {
      const psis = statistics.flatMap((s) =>
        s.kind === 'distribution' && s.psi !== null && s.status !== 'insufficient-data' ? [s.psi] : [],
      );
      await recordDriftPsi({ modelName, modelVersion, psi: psis.length > 0 ? Math.max(...psis) : null });
      const html = await writeDriftReportHtml({ runId }).catch((err) => {
        log.warn('drift report HTML not written', { runId, error: (err as Error).message });
        return undefined;
      });
      upsertMemo({ report: reportKey, ...(html && { reportHtml: html.key }) });
    }
    if (alert) await publishDriftAlert(notification(alert, result, decision));

    status.phase = 'done';
    upsertSearchAttributes([{ key: searchAttributes.pipelineStage, value: `drift-${decision.decision}` }]);
  } catch (err) {
    // A check that failed must not drop the requests queued behind it: the follow-up run serves
    // them, and its request (hence its report) says why this one did not finish.
    if (!followUp || isCancellation(err)) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    log.error('drift check failed; continuing with the queued follow-up', { error: reason });
    return await continueAsNew<typeof driftCorrection>({
      ...input,
      request: { ...followUp, reason: `${followUp.reason} (after drift check ${runId} failed: ${reason})` },
    });
  }
  if (followUp) {
    // Fresh history for the next check; this run's result stays in its own history and report.
    await continueAsNew<typeof driftCorrection>({ ...input, request: followUp });
  }
  return result;
}

/**
 * What a drift Schedule starts. The server suffixes a fire's workflow id with its time, so a fire
 * cannot itself be `drift-<model>`; it hands its request to that workflow (signal-with-start) and
 * ends, keeping one check at a time per model whatever the trigger. The fire's own workflow id is
 * the request id, so a retried hand-over is recognised as the same request.
 */
export async function scheduledDriftCheck(input: ScheduledDriftCheckInputV1): Promise<{ workflowId: string }> {
  const fire = workflowInfo().workflowId;
  upsertSearchAttributes([
    { key: searchAttributes.modelName, value: input.check.modelName },
    { key: searchAttributes.pipelineStage, value: 'drift-scheduled' },
  ]);
  return await submitDriftCheck({
    ...input.check,
    request: { requestId: fire, trigger: 'schedule', reason: `${input.check.request.reason} (schedule ${input.scheduleId}, fire ${fire})` },
  });
}

function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: driftFailureTypes.invalidInput, nonRetryable: true, message });
}

function alertFor(decision: DriftDecisionV1): 'drift.warning' | 'drift.detected' | undefined {
  if (decision.decision === 'retrain' || decision.decision === 'tune') return 'drift.detected';
  if (decision.decision === 'warn') return 'drift.warning';
  return undefined;
}

function notification(event: Notification['event'], result: DriftCorrectionResultV1, decision: DriftDecisionV1): Notification {
  const training = result.actions.find(
    (a): a is Extract<DriftActionV1, { type: 'retrain' | 'tune' }> => a.type === 'retrain' || a.type === 'tune',
  );
  const what = [...decision.drifted, ...decision.warned].join(', ') || 'nothing';
  const action = training
    ? `${training.type === 'tune' ? 'Tuning' : 'Retraining'} started: ${training.workflowId} (run ${training.runId}).`
    : decision.decision === 'warn'
      ? 'No retraining (warning only).'
      : `Retraining suppressed by the cooldown until ${decision.cooldown.until} (last drift retraining ${decision.cooldown.lastRetrainAt}).`;
  return {
    event,
    severity: event === 'drift.detected' ? 'error' : 'warning',
    subject: `${event === 'drift.detected' ? 'Drift detected' : 'Drift warning'} for ${result.modelName}@${result.modelVersion}: ${what}`,
    message:
      `driftCorrection ${result.workflowId} (run ${result.runId}) compared ${result.window.batches.length} batch(es), ${result.window.documents} documents, ` +
      `with the baseline ${result.baselineKey}: decision ${result.decision}. ${decision.reasons.join(' | ')} ${action} Report: ${result.reportKey}.`,
    attributes: {
      modelName: result.modelName,
      modelVersion: result.modelVersion ?? 'none',
      decision: result.decision,
      drifted: decision.drifted.join(','),
      warned: decision.warned.join(','),
      reportKey: result.reportKey,
      workflowId: result.workflowId,
      runId: result.runId,
      trainingWorkflowId: training?.workflowId ?? 'none',
      trainingRunId: training?.runId ?? 'none',
      batches: result.window.batches.length,
    },
  };
}

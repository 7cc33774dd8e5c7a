import { proxyActivities } from '@temporalio/workflow';
import type { createDriftActivities } from '../activities/drift';
import type { createIngestActivities } from '../activities/ingest';
import type { LakeActivities } from '../activities/lake';
import type { ReportActivities } from '../activities/reports';
import type { TelemetryActivities } from '../activities/telemetry';
import type { createTrainingActivities } from '../activities/training';
import type { IngestOptionsV1, ResolvedIngestDeploymentV1 } from '../contracts/ingest-batch';
import type { InfraRetryV1 } from '../contracts/retry';
import { cpuActivities } from './cpu-activities';
import { DEFAULT_INFRA_RETRY, infraActivityOptions } from './retry-policy';

type IngestActivities = ReturnType<typeof createIngestActivities>;
type TrainingActivities = ReturnType<typeof createTrainingActivities>;
type DriftActivities = ReturnType<typeof createDriftActivities>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The steps after a batch's results are written (metrics, statistics, triggers, notifications)
 * give up sooner: the batch is done, and their failure is recorded and alerted, not fatal.
 */
const BOOKKEEPING_WINDOW_MS = 30 * MINUTE;

/** ingestBatch's activities on the workflows queue, under one retry window (see retry-policy.ts). */
export function ingestActivities(window: InfraRetryV1) {
  const bookkeeping = { ...window, timeoutMs: Math.min(window.timeoutMs, BOOKKEEPING_WINDOW_MS) };
  return {
    // proxyActivities returns a Proxy with no own keys: pick by name, never spread it.
    ...pick(proxyActivities<IngestActivities>(infraActivityOptions({ startToCloseMs: 2 * MINUTE }, window)), ['resolveModel']),
    // Preparing streams a whole file, heartbeating: a dead worker is noticed within a minute.
    ...pick(
      proxyActivities<IngestActivities>(infraActivityOptions({ startToCloseMs: 2 * HOUR, heartbeatMs: MINUTE, long: true }, window)),
      ['prepareSource'],
    ),
    // Finalisation reads every shard summary of the batch (thousands at 100M documents): minutes,
    // heartbeating; within the retry window, which is its whole budget.
    ...pick(proxyActivities<IngestActivities>(infraActivityOptions({ startToCloseMs: 30 * MINUTE, heartbeatMs: 2 * MINUTE }, window)), [
      'finalizeBatch',
    ]),
    // Statistics merge the range summaries (no shard is read again): bookkeeping.
    ...pick(
      proxyActivities<IngestActivities>(infraActivityOptions({ startToCloseMs: 30 * MINUTE, heartbeatMs: 2 * MINUTE }, bookkeeping)),
      ['recordBatchStatistics'],
    ),
    ...pick(proxyActivities<IngestActivities>(infraActivityOptions({ startToCloseMs: MINUTE }, bookkeeping)), ['notify', 'recordMetrics']),
    ...pick(proxyActivities<TrainingActivities>(infraActivityOptions({ startToCloseMs: MINUTE }, bookkeeping)), ['requestTrainingIfDue']),
    ...pick(proxyActivities<DriftActivities>(infraActivityOptions({ startToCloseMs: MINUTE }, bookkeeping)), ['requestDriftCheckIfDue']),
    // The data lake's Parquet parts (one pass over the batch's result parts: part of the results),
    // the batch report and the failed-batch metric (bookkeeping).
    ...pick(proxyActivities<LakeActivities>(infraActivityOptions({ startToCloseMs: HOUR, heartbeatMs: 2 * MINUTE, long: true }, window)), [
      'writeResultsParquet',
    ]),
    ...pick(proxyActivities<ReportActivities>(infraActivityOptions({ startToCloseMs: 5 * MINUTE }, bookkeeping)), ['writeBatchReport']),
    ...pick(proxyActivities<TelemetryActivities>(infraActivityOptions({ startToCloseMs: MINUTE }, bookkeeping)), ['recordBatchFailed']),
  };
}

/**
 * ingestBatch's CPU-bound activity: the first batch after a new model version computes the
 * version's baseline (a pass over its training set). Call inside the workflow: the CPU queue
 * derives from the workflow's own queue.
 */
export function ingestCpuActivities(window: InfraRetryV1) {
  return pick(
    cpuActivities<IngestActivities>(infraActivityOptions({ startToCloseMs: 2 * HOUR, heartbeatMs: MINUTE, long: true }, window)),
    ['resolveBaseline'],
  );
}

function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = from[key];
  return out;
}

/**
 * Asks a worker for its deployment's decisions (placement, sizes and limits, triggers,
 * REDACT_PII, the retry window) and lays the batch's explicit options on top.
 */
export async function resolveDeployment(options: IngestOptionsV1): Promise<ResolvedIngestDeploymentV1> {
  const bootstrap = options.infraRetry ?? DEFAULT_INFRA_RETRY;
  const { describeDeployment } = proxyActivities<IngestActivities>(infraActivityOptions({ startToCloseMs: MINUTE }, bootstrap));
  const d = await describeDeployment();
  return {
    options: {
      ...options,
      shardSize: options.shardSize ?? d.shardSize,
      parallelism: options.parallelism ?? d.parallelism,
      maxRecordBytes: options.maxRecordBytes ?? d.maxRecordBytes,
      retrainAfterLabelledRows: options.retrainAfterLabelledRows ?? d.retrainAfterLabelledRows,
      driftCheckEveryBatches: options.driftCheckEveryBatches ?? d.driftCheckEveryBatches,
      // Never the legacy fields a pre-deployment starter still fills in: only an explicit placement.
      etl: options.placement?.etl ?? d.etl,
      scoring: options.placement?.scoring ?? d.scoring,
      // A batch may ask for redaction; it cannot turn off the deployment's.
      redactPii: d.redactPii || options.redactPii === true,
    },
    retry: options.infraRetry ?? { timeoutMs: d.infraRetryTimeoutMs },
  };
}

import type { TrainingDataV1 } from '../../contracts/continuous-training';
import type { DriftReportV1 } from '../../contracts/drift-correction';
import type { DatasetStatisticsV1, StatisticComparisonV1 } from '../../drift';

/** Activity inputs and outputs of drift detection: keys, counts and figures only. */

export interface ComputeBaselineInput {
  modelName: string;
  version: string;
  /** The version's training shards (`training/<model>/<runId>/train-NNNNN.jsonl`, rows {title, body, label}). */
  trainKeys: string[];
  /**
   * Held-out rows the model is scored on for the prediction-mix, confidence and OOV reference.
   * Default: the `test-*` shards next to the first training shard; the training rows if none.
   */
  testKeys?: string[];
}

export interface ComputeBatchStatisticsInput {
  batchId: string;
  processedKeys: string[];
  resultKeys: string[];
  modelName: string;
  modelVersion: string;
  /** Rows quarantined by ingest (the unreadable rate); read from the batch manifest when omitted. */
  quarantined?: number;
}

/** `batches/<batchId>/statistics.json`. */
export interface BatchStatisticsDocumentV1 {
  schemaVersion: 1;
  batchId: string;
  modelName: string;
  modelVersion: string;
  createdAt: string;
  /** The baseline whose vocabulary the OOV counts were measured against (null: none was available). */
  baselineKey: string | null;
  processedKeys: string[];
  resultKeys: string[];
  statistics: DatasetStatisticsV1;
}

/**
 * `statistics.json` of batches processed in shard ranges: computed while the shards were cleaned
 * and scored, so it names where the per-shard summaries are instead of listing every key.
 */
export interface BatchStatisticsDocumentV2 {
  schemaVersion: 2;
  batchId: string;
  modelName: string;
  modelVersion: string;
  createdAt: string;
  baselineKey: string | null;
  shardSummariesPrefix: string;
  shards: number;
  /** False when the batch was too large to count duplicates across its ranges (see docs/scaling.md). */
  duplicatesAcrossRanges: boolean;
  statistics: DatasetStatisticsV1;
}

export interface BatchIndexEntryV1 {
  batchId: string;
  modelVersion: string;
  statisticsKey: string;
  documents: number;
  labelled: number;
  recordedAt: string;
}

/** `drift/<model>/batches.json`: the model's most recent batches with statistics, oldest first. */
export interface BatchIndexV1 {
  schemaVersion: 1;
  modelName: string;
  batches: BatchIndexEntryV1[];
}

/** `drift/<model>/counter.json`. */
export interface DriftCounterV1 {
  schemaVersion: 1;
  modelName: string;
  totalBatches: number;
  sinceLastRequest: number;
  /** The last batches counted, so a retried activity does not count a batch twice. */
  recentBatchIds: string[];
  /** `delivered`: the check request reached driftCorrection (a retried call must not send it again). */
  lastRequest: { batchId: string; at: string; workflowId: string; delivered?: boolean } | null;
}

/** `drift/<model>/state.json`: the cooldown. */
export interface DriftStateV1 {
  schemaVersion: 1;
  modelName: string;
  lastRetrain: {
    at: string;
    decision: 'retrain' | 'tune';
    driftWorkflowId: string;
    driftRunId: string;
    reportKey: string;
  } | null;
}

export interface RequestDriftCheckIfDueInput {
  modelName: string;
  batchId: string;
  /** Request a check every this many batches (>= 1). */
  everyBatches: number;
  /** Batches in the check's window (default: max(everyBatches, DEFAULT_DRIFT_WINDOW)). */
  window?: number;
}

export interface CollectDriftWindowInput {
  modelName: string;
  window: number;
  /** Default: the version that scored the most recent batch. */
  modelVersion?: string;
}

export interface CollectDriftWindowOutput {
  modelVersion: string | null;
  batches: Array<{ batchId: string; statisticsKey: string; documents: number }>;
}

export interface EnsureBaselineOutput {
  key: string;
  /** False when it already existed. */
  computed: boolean;
}

export interface CompareDriftWindowInput {
  modelName: string;
  modelVersion: string;
  baselineKey: string;
  statisticsKeys: string[];
}

export interface CompareDriftWindowOutput {
  statistics: StatisticComparisonV1[];
  documents: number;
  labelled: number;
}

export interface ReadDriftStateOutput {
  lastRetrainAt: string | null;
}

export interface ClaimRetrainingInput {
  modelName: string;
  /** Workflow time of the decision (ISO). */
  at: string;
  cooldownMs: number;
  decision: 'retrain' | 'tune';
  driftWorkflowId: string;
  driftRunId: string;
  reportKey: string;
}

export interface ClaimRetrainingOutput {
  claimed: boolean;
  /** The retraining that holds the cooldown (ours when claimed). */
  lastRetrainAt: string | null;
}

export interface StartRetrainingInput {
  modelName: string;
  modelVersion: string;
  /** Window batches: their staged rows (with labels, where present) join the training data. */
  batchIds: string[];
  tune: boolean;
  reason: string;
  /** Idempotency key of the training request (a retried activity sends the same request). */
  requestId: string;
}

export interface StartRetrainingOutput {
  workflowId: string;
  runId: string;
  data: TrainingDataV1;
}

export interface WriteDriftReportInput {
  key: string;
  report: DriftReportV1;
}

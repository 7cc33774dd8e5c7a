import type { MetricSummaryV1, TrainingDataV1 } from '../../contracts/continuous-training';
import type { RejectedFileV1 } from '../../contracts/ingest-batch';

export interface AssembleTrainingSetInput {
  modelName: string;
  runId: string;
  data: TrainingDataV1;
  testFraction: number;
  seed: number;
  maxRecordBytes: number;
  /** Rows per shard written (default TRAINING_DEFAULTS.shardRows). */
  shardRows?: number;
}

export interface TrainingSet {
  trainKeys: string[];
  testKeys: string[];
  trainRows: number;
  testRows: number;
  labelCounts: Record<string, number>;
  duplicates: number;
  unlabelled: number;
  rejectedRows: number;
  rejectedFiles: RejectedFileV1[];
  /** Rows this run took off the model's labelled-since-training counter (0 unless it read `staged/`). */
  labelledAcknowledged: number;
}

export interface FitCandidateInput {
  modelName: string;
  /** The workflow run: names the checkpoint folder (training/<model>/<runId>/...). */
  runId: string;
  trainKeys: string[];
  testKeys: string[];
  config?: Record<string, unknown>;
  /** What the candidate was trained from, kept in its metrics.json. */
  provenance: Record<string, unknown>;
}

export interface FitCandidateOutput {
  modelVersion: string;
  trainRows: number;
  metrics: MetricSummaryV1;
  /** The majority-class predictor on the same test set: the bar a first model must clear. */
  baseline: MetricSummaryV1;
  /** Which attempt finished the fit, and what it reused from an earlier one. */
  fit: FitRecord;
}

export interface FitRecord {
  attempt: number;
  /** Null when this attempt ran both passes itself. */
  resumedFrom: { stage: 'counts'; shardsDone: number } | null;
  shards: number;
}

/** Heartbeat details of fitCandidate: progress, and the checkpoints a retried attempt resumes from. */
export interface FitProgress {
  stage: 'vocabulary' | 'counts' | 'evaluating' | 'saved';
  /** Shards read in the current stage. */
  shard: number;
  shards: number;
  /** The first pass's result (VocabularyState JSON), once written. */
  vocabularyKey?: string;
  /** Class sums after `countsShards` whole shards of the second pass (float64 bytes). */
  countsKey?: string;
  countsShards?: number;
  /** Set once the version is saved, so a retry after that returns it instead of saving another. */
  output?: FitCandidateOutput;
}

export interface ChampionRef {
  version: string;
  etag: string;
  previousVersion: string | null;
  promotedAt: string;
  reason: string;
}

/** One configuration of the search, with the full overrides fitCandidate would get. */
export interface TuningCandidate {
  id: string;
  /** The grid point alone (what the outcome reports). */
  overrides: Record<string, unknown>;
  /** The request's overrides with the grid point's on top. */
  config: Record<string, unknown>;
}

export interface EvaluateConfigurationInput {
  trainKeys: string[];
  trainRows: number;
  candidate: TuningCandidate;
  folds: number;
  seed: number;
  maxRows: number;
}

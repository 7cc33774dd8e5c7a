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
  /** Detect the rows' language (the request's config names none). */
  detectLanguage?: boolean;
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
  /** When asked: the language of the labelled rows (votes from the first 2,000). */
  language?: { language: string | null; votes: Record<string, number>; documents: number };
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
  /** The search's cross-validated score of this configuration on the training rows, when tuned (kept in metrics.json). */
  crossValidation?: Record<string, unknown> | null;
}

export interface RefitCandidateInput {
  modelName: string;
  runId: string;
  trainKeys: string[];
  testKeys: string[];
  config?: Record<string, unknown>;
  /** The challenger that was evaluated on the held-out rows and promoted: its figures are carried over. */
  evaluatedVersion: string;
  provenance: Record<string, unknown>;
}

export interface RefitCandidateOutput {
  modelVersion: string;
  /** Rows the refit was fitted on (training + held-out). */
  rows: number;
  fit: FitRecord;
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
  /** Linear models: optimiser iterations (L-BFGS) or SGD epochs, and whether it converged. */
  optimiser?: { iterations: number; converged: boolean };
}

/** Heartbeat details of fitCandidate: progress, and the checkpoints a retried attempt resumes from. */
export interface FitProgress {
  stage: 'vocabulary' | 'counts' | 'optimising' | 'evaluating' | 'saved';
  /** Linear models while optimising: the current iteration or SGD run. */
  step?: string;
  /** Shards read in the current stage. */
  shard: number;
  shards: number;
  /** The first pass's result (VocabularyState JSON), once written. */
  vocabularyKey?: string;
  /** Class sums after `countsShards` whole shards of the second pass (float64 bytes). */
  countsKey?: string;
  countsShards?: number;
  /** Set once the version is saved, so a retry after that returns it instead of saving another. */
  output?: FitCandidateOutput | RefitCandidateOutput;
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

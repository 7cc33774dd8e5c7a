import type { MetricSummaryV1, TrainingDataV1 } from '../../contracts/continuous-training';
import type { RejectedFileV1 } from '../../contracts/ingest-batch';

export interface AssembleTrainingSetInput {
  modelName: string;
  runId: string;
  data: TrainingDataV1;
  testFraction: number;
  seed: number;
  maxRecordBytes: number;
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
}

export interface FitCandidateInput {
  modelName: string;
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
}

export interface ChampionRef {
  version: string;
  etag: string;
}

import type { ColumnMappingV1 } from './ingest-batch';

/** Message contracts of the continuousTraining workflow (keys, counts, versions and metrics only). */

export type TrainingTrigger = 'manual' | 'schedule' | 'data' | 'drift';

export interface TrainingDataV1 {
  /** Labelled input files, by key (any supported input format). */
  keys?: string[];
  /** Every object under these prefixes, e.g. `staged/` for rows that arrived through ingestBatch. */
  prefixes?: string[];
  columns?: ColumnMappingV1;
}

export interface TrainingRequestV1 {
  /** Makes a request idempotent: the same id twice is one request. */
  requestId: string;
  trigger: TrainingTrigger;
  data: TrainingDataV1;
  /** Run the hyperparameter search before the final fit. */
  tune: boolean;
  reason: string;
}

export interface PromotionPolicyV1 {
  metric: 'macroF1' | 'accuracy';
  /** The challenger must beat the champion by at least this much (absolute, 0..1). */
  minImprovement: number;
  /** No class's recall may drop by more than this (absolute, 0..1). */
  maxRecallDrop: number;
}

export interface ContinuousTrainingInputV1 {
  version: 1;
  modelName: string;
  request: TrainingRequestV1;
  policy: PromotionPolicyV1;
  testFraction: number;
  seed: number;
  /** Partial TrainingConfig overrides (JSON); the defaults otherwise. */
  config?: Record<string, unknown>;
  /** Grid size for tuning (number of configurations tried). */
  tuningBudget: number;
  maxRecordBytes: number;
}

export interface MetricSummaryV1 {
  accuracy: number;
  macroF1: number;
  recall: Record<string, number>;
  logLoss?: number;
  testRows: number;
}

export interface TrainingOutcomeV1 {
  version: 1;
  workflowId: string;
  modelName: string;
  modelVersion: string;
  promoted: boolean;
  decision: string;
  metrics: MetricSummaryV1;
  champion: { version: string; metrics: MetricSummaryV1 } | null;
  trainRows: number;
  testRows: number;
  /** Requests that arrived during this run, served by the follow-up run (continue-as-new). */
  followUp: boolean;
}

export const CONTINUOUS_TRAINING_WORKFLOW = 'continuousTraining';
export const trainingSignals = { requestTraining: 'requestTraining' } as const;
export const trainingQueries = { status: 'trainingStatus' } as const;
export const trainingWorkflowId = (modelName: string) => `train-${modelName}`;

export const trainingFailureTypes = {
  noTrainingData: 'NoTrainingData',
  singleClass: 'SingleClass',
  invalidConfig: 'InvalidTrainingConfig',
} as const;

export const DEFAULT_PROMOTION_POLICY: PromotionPolicyV1 = { metric: 'macroF1', minImprovement: 0.0, maxRecallDrop: 0.05 };

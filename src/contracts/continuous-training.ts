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
  /**
   * What the requester set explicitly besides the data. A request that joins a running
   * `train-<model>` travels as a signal: the follow-up run merges these into its input (config and
   * policy key by key, the larger tuning budget) and reports the ones it cannot take. Absent in
   * requests sent before it existed.
   */
  settings?: TrainingRequestSettingsV1;
  /** Set by the run that queued this request as its follow-up: settings asked for that this run does not take. */
  ignored?: string[];
}

export interface TrainingRequestSettingsV1 {
  config?: Record<string, unknown>;
  policy?: Partial<PromotionPolicyV1>;
  tuningBudget?: number;
  tuning?: TuningOptionsV1;
  /** Not merged: the held-out split of a model's runs stays put. Reported as ignored when it differs. */
  testFraction?: number;
  /** Not merged, as testFraction. */
  seed?: number;
}

export interface PromotionPolicyV1 {
  metric: 'macroF1' | 'accuracy';
  /** The challenger must beat the champion by at least this much (absolute, 0..1). */
  minImprovement: number;
  /** No class's recall may drop by more than this (absolute, 0..1). */
  maxRecallDrop: number;
  /**
   * How many standard deviations above chance the challenger's balanced accuracy must be (see
   * training/promotion.ts). Guards against promoting a model that learned nothing. Default 3.
   */
  minChanceZ?: number;
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
  /** Configurations the search starts with (the first rung of successive halving). */
  tuningBudget: number;
  maxRecordBytes: number;
  /**
   * Heartbeat timeout of the long activities (assemble, fit, tuning folds, evaluation), in ms: how
   * soon a crashed worker's attempt is given up and retried elsewhere. Optional (added after V1 shipped); default 2 min.
   */
  fitHeartbeatTimeoutMs?: number;
  /** Rows per training shard; a shard is also the unit of fit checkpoints. Default 5000. */
  shardRows?: number;
  /** How the hyperparameter search runs when `request.tune` is set; defaults in TRAINING_DEFAULTS. */
  tuning?: TuningOptionsV1;
  /**
   * Refit a promoted challenger on the training and held-out rows together, and promote that
   * refit (its held-out figures stay those of the fit that never saw the held-out rows). Optional
   * (added after V1 shipped); default true.
   */
  refit?: boolean;
}

export interface TuningOptionsV1 {
  /** k of the stratified k-fold cross-validation of each configuration. */
  folds?: number;
  /** Configurations cross-validated at once (one activity each). */
  parallelism?: number;
  /** Rows a configuration is cross-validated on at most (a stratified, hash-chosen sample beyond). */
  maxRows?: number;
  /**
   * Wall-clock budget of the search in ms: no fold starts after it has passed, and the best
   * configuration of the highest rung that finished wins. Default TRAINING_DEFAULTS.tuningBudgetMs.
   */
  budgetMs?: number;
  /** Successive halving keeps 1/factor of the candidates per rung. Default 3. */
  halvingFactor?: number;
  /** A rung cross-validates on at least this many rows (fewer rungs on small sets). Default 300. */
  minRungRows?: number;
}

export const TRAINING_DEFAULTS = {
  fitHeartbeatTimeoutMs: 120_000,
  shardRows: 5000,
  tuningFolds: 5,
  tuningParallelism: 4,
  tuningMaxRows: 20_000,
  tuningBudget: 24,
  tuningBudgetMs: 10 * 60_000,
  tuningHalvingFactor: 3,
  /** A rung of the search cross-validates on at least this many rows. */
  tuningMinRungRows: 300,
  testFraction: 0.2,
  seed: 42,
} as const;

/** The prefix ingestBatch stages validated rows under; scheduled and data-triggered runs train on it. */
export const DEFAULT_TRAINING_PREFIX = 'staged/';

/** One configuration of the hyperparameter search and its cross-validated score (at the highest rung it reached). */
export interface TuningResultV1 {
  id: string;
  /** TrainingConfigOverrides applied on top of the request's config. */
  overrides: Record<string, unknown>;
  meanMacroF1: number;
  meanAccuracy: number;
  /** Rows cross-validated (the training split, or a sample of maxRows). */
  rows: number;
  /** Why this configuration could not be scored (it then never wins). */
  failed?: string;
  /** The successive-halving rung the score comes from (0: the smallest sample); absent for the legacy grid. */
  rung?: number;
}

/**
 * The search in a run's outcome. Since successive halving, only a summary: every candidate with
 * its cross-validated score per rung is in the store at `resultKey`.
 */
export interface TuningSummaryV1 {
  folds: number;
  /** Every configuration with its score: the legacy grid search only (runs started before successive halving). */
  tried?: TuningResultV1[];
  best: TuningResultV1;
  /** Configurations drawn (the first rung). */
  candidates?: number;
  /** Fold fits run in all. */
  evaluations?: number;
  /** Rows per rung and candidates per rung. */
  rungs?: { rows: number; candidates: number }[];
  /** True when the time budget stopped the search before its last rung finished. */
  stoppedByBudget?: boolean;
  /** JSON with every candidate, its overrides and its scores per rung. */
  resultKey?: string;
}

export interface MetricSummaryV1 {
  accuracy: number;
  macroF1: number;
  recall: Record<string, number>;
  /** Held-out rows per true label (absent in summaries written before it was added). */
  support?: Record<string, number>;
  logLoss?: number;
  testRows: number;
  /**
   * The version these figures were measured with, when not the one asked about: a version refit
   * on its held-out rows is scored through the fit that never saw them.
   */
  evaluatedVersion?: string;
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
  /** What the requests this run served asked for that it could not take (e.g. another seed); absent when nothing. */
  ignoredSettings?: string[];
  /** The hyperparameter search, when the request asked for one (absent otherwise). */
  tuning?: TuningSummaryV1;
  /** The config overrides the challenger was fitted with (the request's, plus the tuned ones). */
  config?: Record<string, unknown>;
  /**
   * When the challenger was promoted and refit on all rows: `modelVersion` is the refit (the
   * promoted version) and `evaluatedVersion` the fit on the training rows whose held-out figures
   * `metrics` are.
   */
  evaluatedVersion?: string;
  refit?: { version: string; rows: number };
  /** The text language the model was trained for, and whether it was given or detected from the data. */
  language?: { language: string; source: 'given' | 'detected' | 'default' };
}

export const CONTINUOUS_TRAINING_WORKFLOW = 'continuousTraining';
export const trainingSignals = { requestTraining: 'requestTraining' } as const;
export const trainingQueries = { status: 'trainingStatus' } as const;
export const trainingWorkflowId = (modelName: string) => `train-${modelName}`;

export const trainingFailureTypes = {
  noTrainingData: 'NoTrainingData',
  /** Labelled rows exist but too few to keep some for training and some for the held-out test split. */
  tooFewLabelledRows: 'TooFewLabelledRows',
  singleClass: 'SingleClass',
  invalidConfig: 'InvalidTrainingConfig',
  /** latest.json changed between reading the champion and writing the new pointer. */
  concurrentPromotion: 'ConcurrentPromotion',
  /** The version to promote does not exist or is incomplete. */
  unknownVersion: 'UnknownModelVersion',
  /** Rollback asked for, but latest.json records no previous version. */
  noPreviousVersion: 'NoPreviousVersion',
  /** An activity that starts or signals workflows runs on a worker built without a Temporal client. */
  clientMissing: 'TrainingClientMissing',
} as const;

/** The Temporal Schedule that retrains a model periodically (one per model). */
export const trainingScheduleId = (modelName: string) => `train-${modelName}-schedule`;

/**
 * What a Schedule's action starts. A Schedule appends the fire time to the workflow id it starts,
 * so it cannot start `train-<model>` itself: scheduledTraining forwards the request there with
 * signal-with-start, which keeps one training run per model whatever the trigger.
 */
export interface ScheduledTrainingInputV1 {
  version: 1;
  scheduleId: string;
  /** The training input; its requestId is replaced per fire (the fire's workflow id). */
  training: ContinuousTrainingInputV1;
}

export interface ScheduledTrainingOutcomeV1 {
  workflowId: string;
  requestId: string;
}

export const SCHEDULED_TRAINING_WORKFLOW = 'scheduledTraining';

/** A promotion or rollback decided by a person; recorded as a workflow so it has a history. */
export interface ManualPromotionInputV1 {
  version: 1;
  modelName: string;
  action: 'promote' | 'rollback';
  /** Required for 'promote'; 'rollback' targets latest.json's previousVersion. */
  targetVersion?: string;
  reason: string;
}

export interface ManualPromotionOutcomeV1 {
  version: 1;
  modelName: string;
  action: 'promote' | 'rollback';
  fromVersion: string | null;
  toVersion: string;
  /** False when the target already was the latest version (nothing written). */
  changed: boolean;
  reason: string;
}

export const MANUAL_PROMOTION_WORKFLOW = 'manualPromotion';
/** One manual promotion at a time per model; the id is free again once it completes. */
export const manualPromotionWorkflowId = (modelName: string) => `promote-${modelName}`;

export const DEFAULT_PROMOTION_POLICY: PromotionPolicyV1 = { metric: 'macroF1', minImprovement: 0.0, maxRecallDrop: 0.05, minChanceZ: 3 };

import {
  DEFAULT_PROMOTION_POLICY,
  TRAINING_DEFAULTS,
  type ContinuousTrainingInputV1,
  type PromotionPolicyV1,
  type TrainingDataV1,
  type TrainingRequestSettingsV1,
  type TrainingTrigger,
  type TuningOptionsV1,
} from '../contracts/continuous-training';

export interface TrainingInputOptions {
  modelName: string;
  /** Idempotency key of the request (a retried trigger must reuse it). */
  requestId: string;
  data: TrainingDataV1;
  maxRecordBytes: number;
  trigger?: TrainingTrigger;
  tune?: boolean;
  reason?: string;
  config?: Record<string, unknown>;
  policy?: Partial<PromotionPolicyV1>;
  testFraction?: number;
  seed?: number;
  tuningBudget?: number;
  tuning?: TuningOptionsV1;
  fitHeartbeatTimeoutMs?: number;
  shardRows?: number;
  /** Refit a promoted challenger on training + held-out rows (default true). */
  refit?: boolean;
}

/**
 * The one place a continuousTraining input is built (CLI, schedule, data trigger), so every trigger
 * gets the same defaults: same split seed and test fraction means the same held-out rows, which
 * keeps successive runs comparable.
 */
export function buildTrainingInput(o: TrainingInputOptions): ContinuousTrainingInputV1 {
  return {
    version: 1,
    modelName: o.modelName,
    request: {
      requestId: o.requestId,
      trigger: o.trigger ?? 'manual',
      data: o.data,
      tune: o.tune ?? false,
      reason: o.reason ?? 'requested from the command line',
      // Only what was set explicitly: joining a running run, these are what its follow-up merges.
      ...(explicitSettings(o) && { settings: explicitSettings(o) }),
    },
    policy: { ...DEFAULT_PROMOTION_POLICY, ...o.policy },
    testFraction: o.testFraction ?? TRAINING_DEFAULTS.testFraction,
    seed: o.seed ?? TRAINING_DEFAULTS.seed,
    ...(o.config !== undefined && { config: o.config }),
    tuningBudget: o.tuningBudget ?? TRAINING_DEFAULTS.tuningBudget,
    maxRecordBytes: o.maxRecordBytes,
    ...(o.tuning !== undefined && { tuning: o.tuning }),
    ...(o.fitHeartbeatTimeoutMs !== undefined && { fitHeartbeatTimeoutMs: o.fitHeartbeatTimeoutMs }),
    ...(o.shardRows !== undefined && { shardRows: o.shardRows }),
    ...(o.refit !== undefined && { refit: o.refit }),
  };
}

function explicitSettings(o: TrainingInputOptions): TrainingRequestSettingsV1 | undefined {
  const settings: TrainingRequestSettingsV1 = {
    ...(o.config !== undefined && { config: o.config }),
    ...(o.policy !== undefined && { policy: o.policy }),
    ...(o.tuningBudget !== undefined && { tuningBudget: o.tuningBudget }),
    ...(o.tuning !== undefined && { tuning: o.tuning }),
    ...(o.testFraction !== undefined && { testFraction: o.testFraction }),
    ...(o.seed !== undefined && { seed: o.seed }),
  };
  return Object.keys(settings).length > 0 ? settings : undefined;
}

import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { signalWithStartTraining } from '../starters';
import type { Settings } from '../config/settings';
import type {
  ContinuousTrainingInputV1,
  PromotionPolicyV1,
  TrainingDataV1,
  TrainingTrigger,
  TuningOptionsV1,
} from '../contracts/continuous-training';
import { buildTrainingInput } from '../training/training-input';
import type { continuousTraining } from '../workflows/continuous-training';

export interface TrainingRequestOptions {
  modelName: string;
  data: TrainingDataV1;
  trigger?: TrainingTrigger;
  tune?: boolean;
  reason?: string;
  config?: Record<string, unknown>;
  policy?: Partial<PromotionPolicyV1>;
  testFraction?: number;
  seed?: number;
  /** Idempotency key; a fresh one by default. */
  requestId?: string;
  tuningBudget?: number;
  tuning?: TuningOptionsV1;
  fitHeartbeatTimeoutMs?: number;
  shardRows?: number;
}

export function trainingInput(settings: Settings, options: TrainingRequestOptions): ContinuousTrainingInputV1 {
  return buildTrainingInput({ ...options, requestId: options.requestId ?? randomUUID(), maxRecordBytes: settings.pipeline.maxRecordBytes });
}

/**
 * Asks for a training run of a model: starts continuousTraining, or, when one is already running
 * for that model, signals it so the request joins the single follow-up run.
 */
export function requestTraining(
  client: Client,
  settings: Settings,
  options: TrainingRequestOptions,
): Promise<WorkflowHandle<typeof continuousTraining>> {
  return signalWithStartTraining(client, settings.temporal.taskQueue, trainingInput(settings, options));
}

import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Settings } from '../config/settings';
import {
  CONTINUOUS_TRAINING_WORKFLOW,
  ContinuousTrainingInputV1,
  DEFAULT_PROMOTION_POLICY,
  PromotionPolicyV1,
  TrainingDataV1,
  TrainingRequestV1,
  TrainingTrigger,
  trainingSignals,
  trainingWorkflowId,
} from '../contracts/continuous-training';
import { searchAttributes } from '../contracts/search-attributes';
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
}

export function trainingInput(settings: Settings, options: TrainingRequestOptions): ContinuousTrainingInputV1 {
  const request: TrainingRequestV1 = {
    requestId: randomUUID(),
    trigger: options.trigger ?? 'manual',
    data: options.data,
    tune: options.tune ?? false,
    reason: options.reason ?? 'requested from the command line',
  };
  return {
    version: 1,
    modelName: options.modelName,
    request,
    policy: { ...DEFAULT_PROMOTION_POLICY, ...options.policy },
    testFraction: options.testFraction ?? 0.2,
    seed: options.seed ?? 42,
    config: options.config,
    tuningBudget: 8,
    maxRecordBytes: settings.pipeline.maxRecordBytes,
  };
}

/**
 * Asks for a training run of a model: starts continuousTraining, or, when one is already running
 * for that model, signals it so the request joins the single follow-up run.
 */
export function requestTraining(client: Client, settings: Settings, options: TrainingRequestOptions): Promise<WorkflowHandle<typeof continuousTraining>> {
  const input = trainingInput(settings, options);
  return client.workflow.signalWithStart<typeof continuousTraining, [TrainingRequestV1]>(CONTINUOUS_TRAINING_WORKFLOW, {
    taskQueue: settings.temporal.taskQueue,
    workflowId: trainingWorkflowId(options.modelName),
    args: [input],
    signal: trainingSignals.requestTraining,
    signalArgs: [input.request],
    typedSearchAttributes: [
      { key: searchAttributes.modelName, value: options.modelName },
      { key: searchAttributes.pipelineStage, value: 'training' },
    ],
  });
}

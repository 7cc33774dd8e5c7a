import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { signalWithStartTraining } from '../starters';
import type { Settings } from '../config/settings';
import type { ContinuousTrainingInputV1 } from '../contracts/continuous-training';
import { buildTrainingInput, type TrainingInputOptions } from '../training/training-input';
import type { continuousTraining } from '../workflows/continuous-training';

/** A caller's request: the record size limit comes from the settings. */
export type TrainingRequestOptions = Omit<TrainingInputOptions, 'requestId' | 'maxRecordBytes'> & {
  /** Idempotency key; a fresh one by default. */
  requestId?: string;
};

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

import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import type { TrainingDataV1 } from '../../contracts/continuous-training';
import type { ModelRegistry } from '../../model';
import { signalWithStartTraining } from '../../starters';
import type { ObjectStore } from '../../storage/object-store';
import { buildTrainingInput } from '../../training/training-input';
import { trainingShardsOf } from './baseline';
import type { StartRetrainingInput, StartRetrainingOutput } from './types';

/** Record size limit of the training input when the worker has no settings (the settings' default). */
const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

export interface RetrainingDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
  /** Default: the worker's own client (activity context). */
  client?: Client;
  /** The worker's settings: task queue and record size limit. Default: the calling activity's task queue, 1 MiB. */
  settings?: Settings;
}

/**
 * The data a drift retraining learns from: the rows the drifting version was trained on (its
 * training run folder, train and test shards) plus the window's staged rows (assembleTrainingSet
 * keeps the labelled ones and drops duplicates by content).
 */
export async function retrainingData(store: ObjectStore, registry: ModelRegistry, input: StartRetrainingInput): Promise<TrainingDataV1> {
  const { runId } = await trainingShardsOf(store, registry, input.modelName, input.modelVersion);
  const prefixes = runId ? [`training/${input.modelName}/${runId}/`] : [];
  for (const batchId of input.batchIds) prefixes.push(`staged/${batchId}/`);
  return { prefixes };
}

/** Starts continuousTraining (trigger 'drift'), or joins the running one as its follow-up request. */
export function createStartRetraining(deps: RetrainingDependencies) {
  return async function startRetraining(input: StartRetrainingInput): Promise<StartRetrainingOutput> {
    const context = Context.current();
    const data = await retrainingData(deps.store, deps.registry, input);
    const training = buildTrainingInput({
      modelName: input.modelName,
      data,
      trigger: 'drift',
      tune: input.tune,
      reason: input.reason,
      requestId: input.requestId,
      maxRecordBytes: deps.settings?.pipeline.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    });
    const taskQueue = deps.settings?.temporal.taskQueue ?? context.info.taskQueue;
    const handle = await signalWithStartTraining(deps.client ?? context.client, taskQueue, training);
    const description = await handle.describe();
    return { workflowId: handle.workflowId, runId: description.runId, data };
  };
}

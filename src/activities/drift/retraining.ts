import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { requestTraining } from '../../client/train';
import { loadSettings, type Settings } from '../../config/settings';
import type { TrainingDataV1 } from '../../contracts/continuous-training';
import type { ModelRegistry } from '../../model';
import type { ObjectStore } from '../../storage/object-store';
import { trainingShardsOf } from './baseline';
import type { StartRetrainingInput, StartRetrainingOutput } from './types';

export interface RetrainingDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
  /** Default: the worker's own client (activity context). */
  client?: Client;
  /** Default: the built-in defaults, with the calling activity's task queue. */
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
    const base = deps.settings ?? loadSettings({});
    const settings: Settings = deps.settings ? base : { ...base, temporal: { ...base.temporal, taskQueue: context.info.taskQueue } };
    const data = await retrainingData(deps.store, deps.registry, input);
    const handle = await requestTraining(deps.client ?? context.client, settings, {
      modelName: input.modelName,
      data,
      trigger: 'drift',
      tune: input.tune,
      reason: input.reason,
      requestId: input.requestId,
    });
    const description = await handle.describe();
    return { workflowId: handle.workflowId, runId: description.runId, data };
  };
}

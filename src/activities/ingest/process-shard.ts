import { Context } from '@temporalio/activity';
import { layout } from '../../pipeline/layout';
import { runShardStage, type ShardStageResult, type ShardStageTask } from '../../pipeline/shard-stage';
import type { ObjectStore } from '../../storage/object-store';
import { asShardFailure } from '../../workers/shard-error';
import type { ShardThreadPool } from '../../workers/shard-pool';
import type { ModelCache } from './model-cache';
import type { ProcessShardInput, ProcessShardOutput } from './types';

const HEARTBEAT_MS = 5000;

/**
 * The in-worker stages for one shard: clean it (the local ETL) and, when scoring also runs in the
 * worker, score it in the same pass. Keys are derived from the batch and shard index, so a retry
 * overwrites its own outputs instead of adding new ones. With a thread pool the work runs off the
 * main thread, on every core; without one (tests, a one-core box) it runs inline.
 */
export function createProcessShard(store: ObjectStore, models: ModelCache, pool?: ShardThreadPool) {
  return async function processShard({ batchId, shard, model, score, redactPii }: ProcessShardInput): Promise<ProcessShardOutput> {
    const task: ShardStageTask = {
      stagedKey: shard.key,
      processedKey: layout.processed(batchId, shard.index),
      resultKey: score ? layout.resultPart(batchId, shard.index) : undefined,
      modelName: model.modelName,
      modelVersion: model.modelVersion,
      redactPii,
    };
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
    let result: ShardStageResult;
    try {
      result = pool ? await pool.run(task) : await runShardStage(store, (n, v) => models.get(n, v), task);
    } catch (err) {
      throw asShardFailure(err);
    } finally {
      clearInterval(beat);
    }
    return {
      index: shard.index,
      processedKey: task.processedKey,
      rows: result.rows,
      scored: result.scored && task.resultKey ? { index: shard.index, resultKey: task.resultKey, ...result.scored } : undefined,
    };
  };
}

import { Context } from '@temporalio/activity';
import { batchLayout, layout } from '../../pipeline/layout';
import { runShardStage, type ShardStageContext, type ShardStageTask } from '../../pipeline/shard-stage';
import { asTypedFailure } from '../../workers/thread-errors';
import type { ShardThreadPool } from '../../workers/shard-pool';
import type { ProcessShardInput, ProcessShardOutput } from './types';

const HEARTBEAT_MS = 5000;

/** The shard stage's task for one shard: every key derives from the batch and the shard's numbers. */
export function shardStageTask(input: ProcessShardInput): ShardStageTask {
  const { batchId, shard, model } = input;
  return {
    batchId,
    index: shard.index,
    sourceIndex: shard.sourceIndex,
    stagedKey: batchLayout.stagedShard(batchId, shard.sourceIndex, shard.local),
    processedKey: layout.processed(batchId, shard.index),
    resultKey: input.score ? layout.resultPart(batchId, shard.index) : undefined,
    summaryKey: batchLayout.shardSummary(batchId, shard.index),
    fingerprintsKey: batchLayout.shardFingerprints(batchId, shard.index),
    modelName: model.modelName,
    modelVersion: model.modelVersion,
    redactPii: input.redactPii,
    vocabularyKey: input.vocabularyKey ?? null,
  };
}

/**
 * The in-worker stages for one shard: clean it (the local ETL) and, when scoring also runs in the
 * worker, score it in the same pass; the shard's counts, checksum and statistics go to its summary
 * in the store, the workflow gets two counts. Keys are derived from the batch and shard numbers,
 * so a retry overwrites its own outputs instead of adding new ones. With a thread pool the work
 * runs off the main thread, on every core; without one (tests, a one-core box) it runs inline.
 */
export function createProcessShard(inline: ShardStageContext, pool?: ShardThreadPool) {
  return async function processShard(input: ProcessShardInput): Promise<ProcessShardOutput> {
    const task = shardStageTask(input);
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
    try {
      const result = pool ? await pool.run(task) : await runShardStage(inline, task);
      return { index: input.shard.index, rows: result.rows, scored: result.scored };
    } catch (err) {
      throw asTypedFailure(err);
    } finally {
      clearInterval(beat);
    }
  };
}

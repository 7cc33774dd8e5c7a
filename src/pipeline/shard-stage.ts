import { createHash } from 'node:crypto';
import type { TextClassifier } from '../model';
import { scoreRecords } from '../scoring/score-records';
import type { ObjectStore } from '../storage/object-store';
import { cleanStagedRecords } from './clean-records';
import { parseJsonl, toJsonl } from './jsonl';
import type { StagedRecord } from './records';

/** One shard through the in-worker stages: keys and the pinned model, never document text. */
export interface ShardStageTask {
  stagedKey: string;
  processedKey: string;
  /** Present when scoring runs in the worker too: the part to write. */
  resultKey?: string;
  modelName: string;
  modelVersion: string;
  redactPii?: boolean;
}

export interface ShardStageResult {
  rows: number;
  scored?: { rows: number; sha256: string; predictedCounts: Record<string, number> };
}

/**
 * Cleans one staged shard and, when asked, scores it straight from memory, writing the processed
 * shard and the result part. Fusing the two saves re-reading the processed shard, the largest
 * object of the pipeline. Pure I/O plus domain: runs in a worker thread or inline.
 */
export async function runShardStage(
  store: ObjectStore,
  loadModel: (name: string, version: string) => Promise<TextClassifier>,
  task: ShardStageTask,
): Promise<ShardStageResult> {
  const classifier = await loadModel(task.modelName, task.modelVersion);
  const staged = parseJsonl<StagedRecord>(await store.get(task.stagedKey), task.stagedKey);
  const processed = cleanStagedRecords(staged, classifier.config.text, task.redactPii);
  await store.put(task.processedKey, toJsonl(processed));
  if (!task.resultKey) return { rows: processed.length };
  const { results, predictedCounts } = scoreRecords(processed, classifier, task.modelVersion);
  const body = toJsonl(results);
  await store.put(task.resultKey, body);
  return {
    rows: processed.length,
    scored: { rows: results.length, sha256: createHash('sha256').update(body).digest('hex'), predictedCounts },
  };
}

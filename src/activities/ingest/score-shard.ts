import { createHash } from 'node:crypto';
import { layout } from '../../pipeline/layout';
import { parseJsonl, toJsonl } from '../../pipeline/jsonl';
import type { ProcessedRecord } from '../../pipeline/records';
import { scoreRecords } from '../../scoring/score-records';
import type { ObjectStore } from '../../storage/object-store';
import type { ModelCache } from './model-cache';
import type { ScoreShardInput, ScoreShardOutput } from './types';

/** Local scoring: one processed shard in, one result part out (same key on retry: no duplicates). */
export function createScoreShard(store: ObjectStore, models: ModelCache) {
  return async function scoreShard({ batchId, index, processedKey, model }: ScoreShardInput): Promise<ScoreShardOutput> {
    const classifier = await models.get(model.modelName, model.modelVersion);
    const records = parseJsonl<ProcessedRecord>(await store.get(processedKey), processedKey);
    const { results, predictedCounts } = scoreRecords(records, classifier, model.modelVersion);
    const body = toJsonl(results);
    const resultKey = layout.resultPart(batchId, index);
    await store.put(resultKey, body);
    return {
      index,
      resultKey,
      rows: results.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      predictedCounts,
    };
  };
}

import { Context } from '@temporalio/activity';
import { cleanDocument } from '../../text';
import { layout } from '../../pipeline/layout';
import { parseJsonl, toJsonl } from '../../pipeline/jsonl';
import type { ProcessedRecord, StagedRecord } from '../../pipeline/records';
import type { ObjectStore } from '../../storage/object-store';
import type { ModelCache } from './model-cache';
import type { CleanShardInput, CleanShardOutput } from './types';

/** The in-worker ETL: cleans one staged shard with the pinned model's text options. */
export function createCleanShard(store: ObjectStore, models: ModelCache) {
  return async function cleanShard({ batchId, shard, model }: CleanShardInput): Promise<CleanShardOutput> {
    const classifier = await models.get(model.modelName, model.modelVersion);
    const staged = parseJsonl<StagedRecord>(await store.get(shard.key), shard.key);
    const processed: ProcessedRecord[] = new Array(staged.length);
    for (let i = 0; i < staged.length; i++) {
      const row = staged[i];
      const clean = cleanDocument({ title: row.title, body: row.body }, classifier.config.text);
      processed[i] = {
        id: row.id,
        source: row.source,
        label: row.label,
        text_clean: clean.textClean,
        tokens: clean.tokens,
        tokens_nostop: clean.tokensNoStop,
        stems: clean.stems,
        sentiment: clean.sentiment,
      };
      if (i % 500 === 499) Context.current().heartbeat({ rows: i + 1 });
    }
    const processedKey = layout.processed(batchId, shard.index);
    await store.put(processedKey, toJsonl(processed));
    return { index: shard.index, processedKey, rows: processed.length };
  };
}

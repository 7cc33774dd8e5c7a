import { createHash } from 'node:crypto';
import type { ModelRegistry } from '../model/registry';
import { toJsonl } from '../pipeline/jsonl';
import { scoreRecords } from '../scoring/score-records';
import type { ObjectStore } from '../storage/object-store';
import { readJobSpec } from './job-spec';
import { completeProcessedRecord, readProcessedShard } from './processed-record';
import { scoringSummaryKey, type ScoringShardSummary } from './scoring-summary';
import { PermanentTaskError } from './task-errors';

export interface ScoringTaskInput {
  store: ObjectStore;
  registry: Pick<ModelRegistry, 'load'>;
  specKey: string;
  /** The array index: which processed shard this task scores. */
  index: number;
}

export interface ScoringTaskOutput extends ScoringShardSummary {
  resultKey: string;
  summaryKey: string;
}

/**
 * One array task of a scoring job: processedKeys[index] -> resultKeys[index] plus its summary.
 * Both are plain overwrites of fixed keys, so a retried attempt replaces a partial earlier one and
 * never adds a second part. The summary is written last: its presence means the part is complete.
 */
export async function runScoringTask({ store, registry, specKey, index }: ScoringTaskInput): Promise<ScoringTaskOutput> {
  const spec = await readJobSpec(store, specKey, 'scoring');
  if (!Number.isInteger(index) || index < 0 || index >= spec.processedKeys.length) {
    throw new PermanentTaskError(`array index ${index} is outside the spec's ${spec.processedKeys.length} shard(s)`);
  }
  const classifier = await registry.load(spec.modelName, spec.modelVersion);
  const processedKey = spec.processedKeys[index];
  const resultKey = spec.resultKeys[index];
  const summaryKey = scoringSummaryKey(resultKey);

  const records = readProcessedShard(await store.get(processedKey), processedKey).map((r) =>
    completeProcessedRecord(r, classifier.config.text),
  );
  const { results, predictedCounts } = scoreRecords(records, classifier, spec.modelVersion);
  const body = Buffer.from(toJsonl(results));
  await store.put(resultKey, body, { contentType: 'application/x-ndjson' });
  const summary: ScoringShardSummary = {
    rows: results.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    predictedCounts,
  };
  await store.put(summaryKey, JSON.stringify(summary), { contentType: 'application/json' });
  return { ...summary, resultKey, summaryKey };
}

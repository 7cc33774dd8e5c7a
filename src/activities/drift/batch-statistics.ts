import { ApplicationFailure, Context } from '@temporalio/activity';
import { driftFailureTypes } from '../../contracts/drift-correction';
import { driftKeys, StatisticsAccumulator, type BaselineV1 } from '../../drift';
import { readProcessedShard, type PartialProcessedRecord } from '../../jobs/processed-record';
import type { ModelRegistry } from '../../model';
import { parseJsonl } from '../../pipeline/jsonl';
import { batchLayout, layout, shardIndexOf } from '../../pipeline/layout';
import type { ResultRecord, StagedRecord } from '../../pipeline/records';
import { ProfileAccumulator, shouldTrace } from '../../reports/profile';
import { ObjectNotFoundError, type ObjectStore } from '../../storage/object-store';
import { composeText } from '../../text';
import { traceCleaning } from '../../text/cleaning-trace';
import { asTypedFailure } from '../../workers/thread-errors';
import { ensureBaselineFor, type BaselineOptions } from './baseline';
import { readJsonObject, updateJsonObject } from './json-object';
import type { BatchIndexV1, BatchStatisticsDocumentV1, ComputeBatchStatisticsInput } from './types';

/** Batches remembered per model in drift/<model>/batches.json (a window never needs more). */
export const BATCH_INDEX_LIMIT = 500;
/** Terms kept in a batch's statistics (its OOV count is exact regardless). */
export const BATCH_VOCABULARY_LIMIT = 20_000;

/**
 * A baseline's vocabulary as a set, for OOV counting. Baselines never change once written, so a
 * worker keeps the last few it read.
 */
class VocabularyCache {
  private readonly entries = new Map<string, Promise<Set<string>>>();
  constructor(
    private readonly store: ObjectStore,
    private readonly capacity = 2,
  ) {}

  get(key: string): Promise<Set<string>> {
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const loading = readJsonObject<BaselineV1>(this.store, key).then((baseline) => {
      if (!baseline) throw new Error(`${key} disappeared`);
      return new Set(baseline.training.statistics.vocabulary.top.map(([term]) => term));
    });
    loading.catch(() => this.entries.delete(key));
    this.entries.set(key, loading);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return loading;
  }
}

/**
 * `readProcessedShard` on the worker's main thread, its permanent errors (a line that is not a
 * processed record) typed non-retryable as the CPU pool types them.
 */
function readProcessedShardTyped(content: Buffer, key: string): PartialProcessedRecord[] {
  try {
    return readProcessedShard(content, key);
  } catch (err) {
    throw asTypedFailure(err);
  }
}

/**
 * Writes `batches/<batchId>/statistics.json` from a scored batch's processed and result shards and
 * records the batch in the model's index (drift/<model>/batches.json, compare-and-set), where
 * driftCorrection finds its window. OOV counts are measured against the baseline of the version
 * that scored the batch, computed first if missing; without one (a model with no recorded
 * training data) the statistics are written without OOV counts.
 */
export function createComputeBatchStatistics(store: ObjectStore, registry: ModelRegistry, baselineOptions: BaselineOptions) {
  const vocabularies = new VocabularyCache(store);
  return async function computeBatchStatistics(input: ComputeBatchStatisticsInput): Promise<{ key: string; documents: number }> {
    const { batchId, modelName, modelVersion } = input;
    let baselineKey: string | null = null;
    try {
      baselineKey = (await ensureBaselineFor(store, registry, modelName, modelVersion, baselineOptions)).key;
    } catch (err) {
      if (!(err instanceof ApplicationFailure && err.type === driftFailureTypes.baselineUnavailable)) throw err;
      Context.current().log.warn('batch statistics without OOV counts: no baseline', {
        batchId,
        modelName,
        modelVersion,
        reason: err.message,
      });
    }
    const vocabulary = baselineKey ? await vocabularies.get(baselineKey) : undefined;
    const accumulator = new StatisticsAccumulator({
      vocabularyLimit: BATCH_VOCABULARY_LIMIT,
      oovVocabulary: baselineKey && vocabulary ? { key: baselineKey, terms: vocabulary } : undefined,
    });

    // The batch report's profile rides along in the same pass: each processed shard is read once,
    // with its staged shard beside it for the text before cleaning (a shard gone from staged/ only
    // loses the before-cleaning figures).
    const profile = new ProfileAccumulator();
    let seen = 0;
    for (const key of input.processedKeys) {
      const staged = await readStagedBeside(store, batchId, key);
      const processed = readProcessedShardTyped(await store.get(key), key);
      processed.forEach((r, i) => {
        accumulator.addDocument({ label: r.label, textClean: r.text_clean, tokens: r.tokens, sentiment: r.sentiment?.compound ?? 0 });
        const raw = staged?.[i]?.id === r.id ? staged[i] : undefined;
        const text = raw ? composeText(raw.title ?? '', raw.body) : undefined;
        profile.add({
          textClean: r.text_clean,
          tokens: r.tokens,
          tokensNoStop: r.tokens_nostop,
          stems: r.stems ?? r.tokens_nostop,
          rawChars: text?.length,
          trace: text !== undefined && shouldTrace(seen) ? traceCleaning(text) : undefined,
        });
        seen++;
      });
      Context.current().heartbeat({ processed: key });
    }
    for (const key of input.resultKeys) {
      for (const r of parseJsonl<ResultRecord>(await store.get(key), key)) {
        accumulator.addPrediction({ label: r.label, predictedLabel: r.predictedLabel, probabilities: r.probabilities });
      }
      Context.current().heartbeat({ result: key });
    }
    accumulator.addUnreadable(input.quarantined ?? (await quarantinedFromManifest(store, batchId)));

    const statistics = accumulator.toStatistics();
    const document: BatchStatisticsDocumentV1 = {
      schemaVersion: 1,
      batchId,
      modelName,
      modelVersion,
      createdAt: new Date().toISOString(),
      baselineKey,
      processedKeys: [...input.processedKeys],
      resultKeys: [...input.resultKeys],
      statistics,
    };
    const key = driftKeys.batchStatistics(batchId);
    await store.put(key, JSON.stringify(document), { contentType: 'application/json' });
    await store.put(layout.profile(batchId), JSON.stringify(profile.toProfile()), { contentType: 'application/json' });

    const labelled = statistics.confusion ? statistics.confusion.matrix.flat().reduce((a, b) => a + b, 0) : 0;
    await updateJsonObject<BatchIndexV1, void>(store, driftKeys.batchIndex(modelName), (current) => {
      const batches = (current?.batches ?? []).filter((b) => b.batchId !== batchId);
      batches.push({
        batchId,
        modelVersion,
        statisticsKey: key,
        documents: statistics.documents,
        labelled,
        recordedAt: document.createdAt,
      });
      return { value: { schemaVersion: 1, modelName, batches: batches.slice(-BATCH_INDEX_LIMIT) }, result: undefined };
    });
    return { key, documents: statistics.documents };
  };
}

async function quarantinedFromManifest(store: ObjectStore, batchId: string): Promise<number> {
  const manifest = await readJsonObject<{ counts?: { quarantined?: unknown } }>(store, layout.manifest(batchId));
  const n = manifest?.counts?.quarantined;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0;
}

/** The staged shard a processed shard came from: named by its shard summary (batches/<id>/shards/), else by number. */
async function readStagedBeside(store: ObjectStore, batchId: string, processedKey: string): Promise<StagedRecord[] | undefined> {
  const index = shardIndexOf(processedKey);
  if (index === undefined) return undefined;
  const summary = await readIfPresent(store, batchLayout.shardSummary(batchId, index));
  const key = summary ? (JSON.parse(summary.toString('utf8')) as { stagedKey: string }).stagedKey : layout.staged(batchId, index);
  const staged = await readIfPresent(store, key);
  return staged ? parseJsonl<StagedRecord>(staged, key) : undefined;
}

async function readIfPresent(store: ObjectStore, key: string): Promise<Buffer | undefined> {
  try {
    return await store.get(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

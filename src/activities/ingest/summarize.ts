import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { DatasetStatisticsV1, TermColumnsV1 } from '../../drift';
import { mergeStatistics } from '../../drift';
import { completeProcessedRecord, readProcessedShard } from '../../jobs/processed-record';
import { readScoringSummary } from '../../jobs/scoring-summary';
import { parseJsonl } from '../../pipeline/jsonl';
import { batchLayout, layout } from '../../pipeline/layout';
import { crossPartDuplicates, StatisticsMerger, unionFingerprints } from '../../pipeline/merge-statistics';
import type { ResultRecord, StagedRecord } from '../../pipeline/records';
import {
  PART_PROFILE_STEMS,
  ProfileMerger,
  ProfileAccumulator,
  shouldTraceInShard,
  type BatchProfileV1,
  type StemColumnsV1,
} from '../../reports/profile';
import { composeText, identifyLanguage } from '../../text';
import { traceCleaning } from '../../text/cleaning-trace';
import { shardsOfBlocks } from '../../pipeline/shard-blocks';
import { ShardStatistics, SHARD_VOCABULARY_LIMIT, VocabularyLoader } from '../../pipeline/shard-statistics';
import {
  fingerprintsFromBytes,
  fingerprintsToBytes,
  readShardSummary,
  summaryStems,
  summaryTerms,
  writeShardSummary,
  type ShardSummaryV2,
} from '../../pipeline/shard-summary';
import { ObjectNotFoundError, type ObjectStore } from '../../storage/object-store';
import type { ModelCache } from './model-cache';
import type { ShardRangeRef, SummarizeRangeOutput } from './types';

/** `batches/<batchId>/ranges/range-NNNN.json`: one child workflow's shards, merged. */
export interface RangeSummaryV1 {
  schemaVersion: 1;
  batchId: string;
  range: number;
  shards: number;
  rows: number;
  scored: number;
  labelled: number;
  predictedCounts: Record<string, number>;
  statistics: DatasetStatisticsV1 | null;
  /** The batch report's profile of the range's shards (null: none of them had one). */
  profile: BatchProfileV1 | null;
  /** The range's distinct document fingerprints (sorted Float64Array bytes). */
  fingerprintsKey: string;
  /**
   * The range's result parts, by shard number, as its shard summaries name them: finalisation
   * builds the manifest from the range summaries instead of reading every shard summary again.
   */
  parts: RangePartV1[];
}

export interface RangePartV1 {
  shard: number;
  key: string;
  rows: number;
  sha256: string | null;
}

export function createSummarizeActivities(store: ObjectStore, models: ModelCache) {
  const vocabularies = new VocabularyLoader(store);

  return {
    /**
     * Shard summaries for shards cleaned or scored outside the worker (Glue, local processes, AWS
     * Batch): reads what the jobs wrote back, once, and records the same summary the in-worker
     * stage writes. Where the worker cleaned the shard, its summary already holds the document
     * statistics and only the predictions are added.
     */
    async summarizeRemoteShards(
      input: ShardRangeRef & { vocabularyKey: string | null; cleanedInWorker: boolean },
    ): Promise<{ shards: number }> {
      const { batchId, model } = input;
      const classifier = await models.get(model.modelName, model.modelVersion);
      const vocabulary = input.vocabularyKey
        ? { key: input.vocabularyKey, terms: await vocabularies.load(input.vocabularyKey) }
        : undefined;
      const shards = shardsOfBlocks(input.blocks);
      for (const shard of shards) {
        const resultKey = layout.resultPart(batchId, shard.index);
        const processedKey = layout.processed(batchId, shard.index);
        const summaryKey = batchLayout.shardSummary(batchId, shard.index);
        const fingerprintsKey = batchLayout.shardFingerprints(batchId, shard.index);
        const scoring = await readScoringSummary(store, resultKey);
        const results = parseJsonl<ResultRecord>(await store.get(resultKey), resultKey);
        const predictions = new ShardStatistics();
        for (const r of results) predictions.addPrediction(r.label, r.predictedLabel, r.probabilities);
        let documents: DatasetStatisticsV1;
        let profile: BatchProfileV1 | null;
        let terms: TermColumnsV1 | undefined;
        let stems: StemColumnsV1 | undefined;
        let labelled = 0;
        const stagedKey = batchLayout.stagedShard(batchId, shard.sourceIndex, shard.local);
        if (input.cleanedInWorker) {
          const cleaned = await readShardSummary(store, summaryKey);
          documents = cleaned.statistics as DatasetStatisticsV1;
          profile = cleaned.profile ?? null;
          terms = summaryTerms(cleaned);
          stems = summaryStems(cleaned);
          labelled = cleaned.labelled;
        } else {
          const stats = new ShardStatistics(vocabulary);
          const profiler = new ProfileAccumulator(PART_PROFILE_STEMS);
          const records = readProcessedShard(await store.get(processedKey), processedKey);
          // The staged rows, in the same order, give the text before cleaning for the profile.
          const staged = parseJsonl<StagedRecord>(await store.get(stagedKey), stagedKey);
          records.forEach((value, i) => {
            const r = completeProcessedRecord(value, classifier.config.text);
            if (r.label !== null) labelled++;
            const language = identifyLanguage(r.tokens);
            stats.addDocument({ label: r.label, textClean: r.text_clean, tokens: r.tokens, compound: r.sentiment.compound, language });
            const raw = staged[i]?.id === r.id ? staged[i] : undefined;
            const text = raw ? composeText(raw.title ?? '', raw.body) : undefined;
            profiler.add({
              textClean: r.text_clean,
              tokens: r.tokens,
              tokensNoStop: r.tokens_nostop,
              stems: r.stems,
              rawChars: text?.length,
              trace: text !== undefined && shouldTraceInShard(shard.index, records.length, i) ? traceCleaning(text) : undefined,
              language,
            });
          });
          await store.put(fingerprintsKey, fingerprintsToBytes(stats.distinctFingerprints()));
          ({ statistics: documents, terms } = stats.toStatisticsAndTerms());
          ({ profile, stems } = profiler.toProfileAndStems());
        }
        const summary: ShardSummaryV2 = {
          schemaVersion: 2,
          batchId,
          index: shard.index,
          sourceIndex: shard.sourceIndex,
          stagedKey,
          processedKey,
          resultKey,
          rows: scoring.rows,
          scored: scoring.rows,
          sha256: scoring.sha256,
          predictedCounts: scoring.predictedCounts,
          labelled,
          // The predictions add no term: the documents' vocabulary (or its columns) stands.
          statistics: {
            ...mergeStatistics(documents, predictions.toStatistics(), SHARD_VOCABULARY_LIMIT),
            vocabulary: documents.vocabulary,
          },
          profile,
          fingerprintsKey,
          terms: terms ?? null,
          stems: stems ?? null,
        };
        await writeShardSummary(store, summaryKey, summary);
        Context.current().heartbeat({ shard: shard.index });
      }
      return { shards: shards.length };
    },

    /**
     * Merges a range's shard summaries into its range summary (counts, class counts, statistics
     * with duplicates across its shards) and returns the totals: the child workflow's result.
     * Shards whose summary is missing fail the activity: the range is not complete.
     */
    async summarizeShardRange(input: { batchId: string; range: number; blocks: ShardRangeRef['blocks'] }): Promise<SummarizeRangeOutput> {
      const { batchId, range } = input;
      // Each summary is folded in and dropped: a range of hundreds of shards never holds all
      // their vocabularies at once.
      const statistics = new StatisticsMerger();
      const profiles = new ProfileMerger();
      let profiled = false;
      const fingerprints: Float64Array[] = [];
      const predictedCounts: Record<string, number> = {};
      const parts: RangePartV1[] = [];
      let rows = 0;
      let scored = 0;
      let labelled = 0;
      const shards = shardsOfBlocks(input.blocks);
      for (const shard of shards) {
        const summary = await readShardSummary(store, batchLayout.shardSummary(batchId, shard.index));
        rows += summary.rows;
        scored += summary.scored;
        labelled += summary.labelled;
        for (const [label, n] of Object.entries(summary.predictedCounts)) predictedCounts[label] = (predictedCounts[label] ?? 0) + n;
        if (summary.resultKey) parts.push({ shard: summary.index, key: summary.resultKey, rows: summary.scored, sha256: summary.sha256 });
        if (summary.statistics) statistics.add(summary.statistics, summaryTerms(summary));
        if (summary.profile) {
          profiles.add(summary.profile, summaryStems(summary));
          profiled = true;
        }
        if (summary.fingerprintsKey) fingerprints.push(await readFingerprints(store, summary.fingerprintsKey));
        if (shard.index % 50 === 0) Context.current().heartbeat({ shard: shard.index });
      }
      const merged = statistics.result(SHARD_VOCABULARY_LIMIT);
      if (merged) merged.quality.duplicate += crossPartDuplicates(fingerprints);
      const fingerprintsKey = batchLayout.rangeSummary(batchId, range).replace(/\.json$/, '.fingerprints.bin');
      await store.put(fingerprintsKey, fingerprintsToBytes(unionFingerprints(fingerprints)));
      const summaryKey = batchLayout.rangeSummary(batchId, range);
      const summary: RangeSummaryV1 = {
        schemaVersion: 1,
        batchId,
        range,
        shards: shards.length,
        rows,
        scored,
        labelled,
        predictedCounts,
        statistics: merged,
        profile: profiled ? profiles.result(PART_PROFILE_STEMS) : null,
        fingerprintsKey,
        parts: parts.sort((a, b) => a.shard - b.shard),
      };
      await store.put(summaryKey, JSON.stringify(summary), { contentType: 'application/json' });
      return { summaryKey, shards: shards.length, rows, scored, predictedCounts };
    },
  };
}

export async function readFingerprints(store: ObjectStore, key: string): Promise<Float64Array> {
  try {
    return fingerprintsFromBytes(await store.get(key));
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return new Float64Array(0);
    throw err;
  }
}

/** For tests and finalisation: the sha256 a part must have. */
export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

import { Context } from '@temporalio/activity';
import { driftKeys, StatisticsAccumulator, type DatasetStatisticsV1 } from '../../drift';
import { batchLayout, layout } from '../../pipeline/layout';
import { mergeManyProfiles, ProfileAccumulator, PROFILE_TOP_TERMS, type BatchProfileV1 } from '../../reports/profile';
import { crossPartDuplicates, mergeManyStatistics } from '../../pipeline/merge-statistics';
import { SHARD_VOCABULARY_LIMIT } from '../../pipeline/shard-statistics';
import type { ObjectStore } from '../../storage/object-store';
import { BATCH_INDEX_LIMIT } from '../drift/batch-statistics';
import { updateJsonObject } from '../drift/json-object';
import type { BatchIndexV1, BatchStatisticsDocumentV2 } from '../drift/types';
import { readSummaries } from './finalize-batch';
import { readFingerprints, type RangeSummaryV1 } from './summarize';
import type { ResolvedModel } from './types';

/**
 * Beyond this many distinct documents, duplicates are counted within each range only: counting
 * them across ranges holds every fingerprint in memory (8 bytes each).
 */
export const MAX_FINGERPRINTS_ACROSS_RANGES = 8_000_000;

export interface RecordBatchStatisticsInput {
  batchId: string;
  model: ResolvedModel;
  quarantined: number;
  baselineKey: string | null;
}

/**
 * Writes the batch's statistics (drift) and the batch report's profile from its range summaries —
 * computed while the shards were processed, so nothing is re-read — and records the batch in the model's index
 * (drift/<model>/batches.json, compare-and-set), where driftCorrection finds its window.
 */
export function createRecordBatchStatistics(store: ObjectStore) {
  return async function recordBatchStatistics(input: RecordBatchStatisticsInput): Promise<{ key: string; documents: number }> {
    const { batchId, model } = input;
    const ranges: RangeSummaryV1[] = [];
    for await (const r of readSummaries<RangeSummaryV1>(store, batchLayout.rangeSummariesPrefix(batchId))) ranges.push(r);
    const parts = ranges.flatMap((r) => (r.statistics ? [r.statistics] : []));
    // No range at all: every row was quarantined; the statistics then count them as unreadable.
    const merged: DatasetStatisticsV1 =
      mergeManyStatistics(parts, SHARD_VOCABULARY_LIMIT) ??
      new StatisticsAccumulator({ vocabularyLimit: SHARD_VOCABULARY_LIMIT }).toStatistics();
    const documents = merged.documents;
    const acrossRanges = ranges.length <= 1 || documents <= MAX_FINGERPRINTS_ACROSS_RANGES;
    if (ranges.length > 1 && acrossRanges) {
      const fingerprints: Float64Array[] = [];
      for (const r of ranges) {
        fingerprints.push(await readFingerprints(store, r.fingerprintsKey));
        Context.current().heartbeat({ range: r.range });
      }
      merged.quality.duplicate += crossPartDuplicates(fingerprints);
    }
    merged.quality.unreadable += input.quarantined;
    merged.quality.inputRows += input.quarantined;

    const document: BatchStatisticsDocumentV2 = {
      schemaVersion: 2,
      batchId,
      modelName: model.modelName,
      modelVersion: model.modelVersion,
      createdAt: new Date().toISOString(),
      baselineKey: input.baselineKey,
      shardSummariesPrefix: batchLayout.shardSummariesPrefix(batchId),
      shards: ranges.reduce((n, r) => n + r.shards, 0),
      duplicatesAcrossRanges: acrossRanges,
      statistics: merged,
    };
    const key = driftKeys.batchStatistics(batchId);
    await store.put(key, JSON.stringify(document), { contentType: 'application/json' });
    // The batch report's profile, merged the same way (empty when every row was quarantined).
    const profile =
      mergeManyProfiles(
        ranges.flatMap((r): BatchProfileV1[] => (r.profile ? [r.profile] : [])),
        PROFILE_TOP_TERMS,
      ) ?? new ProfileAccumulator().toProfile();
    await store.put(layout.profile(batchId), JSON.stringify(profile), { contentType: 'application/json' });

    const labelled = merged.confusion ? merged.confusion.matrix.flat().reduce((a, b) => a + b, 0) : 0;
    await updateJsonObject<BatchIndexV1, void>(store, driftKeys.batchIndex(model.modelName), (current) => {
      const batches = (current?.batches ?? []).filter((b) => b.batchId !== batchId);
      batches.push({ batchId, modelVersion: model.modelVersion, statisticsKey: key, documents, labelled, recordedAt: document.createdAt });
      return { value: { schemaVersion: 1, modelName: model.modelName, batches: batches.slice(-BATCH_INDEX_LIMIT) }, result: undefined };
    });
    return { key, documents };
  };
}

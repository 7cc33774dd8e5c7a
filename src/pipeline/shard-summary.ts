import type { DatasetStatisticsV1, TermColumnsV1 } from '../drift';
import type { BatchProfileV1, StemColumnsV1 } from '../reports/profile';
import type { ObjectStore } from '../storage/object-store';

/**
 * What one shard left behind, written by the stage that processed it to
 * `batches/<batchId>/shards/shard-NNNNN.json` (see batchLayout). Finalisation and the range
 * summaries read these back by prefix instead of receiving per-shard lists through workflow
 * histories. A retried shard overwrites its own summary, so a summary always describes the parts
 * that are in the store.
 */
export interface ShardSummaryV1 {
  schemaVersion: 1;
  batchId: string;
  /** Batch-wide shard number. */
  index: number;
  sourceIndex: number;
  stagedKey: string;
  processedKey: string;
  /** Null when the shard was cleaned but not scored. */
  resultKey: string | null;
  rows: number;
  scored: number;
  /** SHA-256 (hex) of the result part's exact bytes. */
  sha256: string | null;
  predictedCounts: Record<string, number>;
  /** Rows that carry a label. */
  labelled: number;
  /** The shard's batch statistics (drift): merged per range, then per batch. */
  statistics: DatasetStatisticsV1 | null;
  /**
   * What the batch report adds (text length before cleaning, cleaning steps, stems, languages),
   * merged per range then per batch into `profile.json`. Absent in summaries written before it.
   */
  profile?: BatchProfileV1 | null;
  /** Distinct document fingerprints (Float64Array bytes), to count duplicates across shards. */
  fingerprintsKey: string | null;
}

/**
 * What shard stages write since the vocabularies moved out of the statistics: the shard's terms
 * and stems as unordered columns (`statistics.vocabulary.top` and `profile.top.stems` are empty).
 * A shard's vocabulary is only ever merged into its range's, which ranks the union once: ranking
 * each shard's, then writing, reading and merging it as [term, count] pairs cost the pool threads
 * 3-9 % of their CPU per document (docs/scaling.md). Readers take both versions.
 */
export interface ShardSummaryV2 extends Omit<ShardSummaryV1, 'schemaVersion'> {
  schemaVersion: 2;
  /**
   * The statistics' terms. Null without statistics, or where they stayed in `vocabulary.top`: a
   * remote shard's summary completed from a v1 summary the stage wrote before this version.
   */
  terms: TermColumnsV1 | null;
  /** The profile's stems; null as `terms` is (without a profile, or left in `top.stems`). */
  stems: StemColumnsV1 | null;
}

export type ShardSummary = ShardSummaryV1 | ShardSummaryV2;

export async function writeShardSummary(store: ObjectStore, key: string, summary: ShardSummary): Promise<void> {
  await store.put(key, JSON.stringify(summary), { contentType: 'application/json' });
}

export async function readShardSummary(store: ObjectStore, key: string): Promise<ShardSummary> {
  const value = JSON.parse((await store.get(key)).toString('utf8')) as ShardSummary;
  if ((value?.schemaVersion !== 1 && value?.schemaVersion !== 2) || typeof value.index !== 'number' || typeof value.rows !== 'number') {
    throw new Error(`${key}: not a shard summary`);
  }
  return value;
}

/** A summary's statistics terms as columns, where it stores them apart (v2); undefined for v1 (they are in `top`). */
export function summaryTerms(summary: ShardSummary): TermColumnsV1 | undefined {
  return summary.schemaVersion === 2 ? (summary.terms ?? undefined) : undefined;
}

/** A summary's profile stems as columns, where it stores them apart (v2); undefined for v1. */
export function summaryStems(summary: ShardSummary): StemColumnsV1 | undefined {
  return summary.schemaVersion === 2 ? (summary.stems ?? undefined) : undefined;
}

/** Fingerprints as stored: the bytes of a Float64Array (little-endian, 8 bytes each). */
export function fingerprintsToBytes(fingerprints: Float64Array): Uint8Array {
  return new Uint8Array(fingerprints.buffer, fingerprints.byteOffset, fingerprints.byteLength);
}

export function fingerprintsFromBytes(bytes: Buffer): Float64Array {
  const copy = new Float64Array(bytes.length / 8);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}

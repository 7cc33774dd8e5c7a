import type { DatasetStatisticsV1 } from '../drift';
import type { BatchProfileV1 } from '../reports/profile';
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

export async function writeShardSummary(store: ObjectStore, key: string, summary: ShardSummaryV1): Promise<void> {
  await store.put(key, JSON.stringify(summary), { contentType: 'application/json' });
}

export async function readShardSummary(store: ObjectStore, key: string): Promise<ShardSummaryV1> {
  const value = JSON.parse((await store.get(key)).toString('utf8')) as ShardSummaryV1;
  if (value?.schemaVersion !== 1 || typeof value.index !== 'number' || typeof value.rows !== 'number') {
    throw new Error(`${key}: not a shard summary`);
  }
  return value;
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

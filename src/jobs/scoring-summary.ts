import { z } from 'zod';
import type { ObjectStore } from '../storage/object-store';

/**
 * What a scoring task writes next to each result part, so the activity can report rows, checksum
 * and class counts per shard without downloading the parts a remote job produced.
 */
export interface ScoringShardSummary {
  rows: number;
  /** SHA-256 (hex) of the part's exact bytes. */
  sha256: string;
  predictedCounts: Record<string, number>;
}

const summarySchema = z
  .object({
    rows: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    predictedCounts: z.record(z.number().int().nonnegative()),
  })
  .strict();

/** `batches/b/results/part-00003.jsonl` -> `batches/b/results/part-00003.summary.json`. */
export function scoringSummaryKey(resultKey: string): string {
  if (!resultKey.endsWith('.jsonl')) {
    // Otherwise the summary would overwrite the part itself.
    throw new RangeError(`result key must end with .jsonl: ${JSON.stringify(resultKey)}`);
  }
  return resultKey.replace(/\.jsonl$/, '.summary.json');
}

/** Reads and validates the summary of one part (throws ObjectNotFoundError when the task did not finish). */
export async function readScoringSummary(store: ObjectStore, resultKey: string): Promise<ScoringShardSummary> {
  const key = scoringSummaryKey(resultKey);
  const parsed = summarySchema.safeParse(JSON.parse((await store.get(key)).toString('utf8')));
  if (!parsed.success) throw new Error(`${key}: not a scoring summary (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

import type { JobSpec } from './remote-job';

/**
 * Where the activity stores a remote job's spec (claim check): Glue and Batch receive only this
 * key, never the key lists themselves, so job arguments stay small whatever the batch size (Glue
 * caps an argument value, Batch a SubmitJob request at 30 KiB).
 */
export function jobSpecKey(batchId: string, kind: JobSpec['kind'], range?: number): string {
  // A batch's shards are spread over ranges (child workflows), each with its own jobs.
  return range === undefined ? `jobs/${batchId}/${kind}.json` : `jobs/${batchId}/range-${String(range).padStart(4, '0')}-${kind}.json`;
}

import type { JobSpec } from './remote-job';

/**
 * Where the activity stores a remote job's spec (claim check): Glue and Batch receive only this
 * key, never the key lists themselves, so job arguments stay small whatever the batch size (Glue
 * caps an argument value, Batch a SubmitJob request at 30 KiB).
 */
export function jobSpecKey(batchId: string, kind: JobSpec['kind']): string {
  return `jobs/${batchId}/${kind}.json`;
}

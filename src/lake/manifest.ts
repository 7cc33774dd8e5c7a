import { layout } from '../pipeline/layout';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store';

/** What readers of a batch manifest use (written by src/activities/ingest/finalize-batch.ts). */
export interface BatchManifest {
  batchId: string;
  model: { name: string; version: string };
  counts: { inputRows: number; scored: number; quarantined: number; rejectedFiles: number };
  timings: { startedAt: string; finishedAt: string; durationSeconds: number };
  sources: Array<{
    key: string;
    format: string;
    inputRows: number;
    accepted: number;
    quarantined: number;
    quarantineReasons: Record<string, number>;
    quarantineKey: string | null;
  }>;
  rejectedFiles: Array<{ key: string; code: string; message: string }>;
  parts: Array<{ key: string; rows: number; sha256: string }>;
}

export class BatchNotFoundError extends Error {
  override readonly name = 'BatchNotFoundError';
}

export async function readBatchManifest(store: ObjectStore, batchId: string): Promise<BatchManifest> {
  const key = layout.manifest(batchId);
  try {
    return JSON.parse((await store.get(key)).toString('utf8')) as BatchManifest;
  } catch (err) {
    if (err instanceof ObjectNotFoundError)
      throw new BatchNotFoundError(`batch ${batchId} has no manifest at ${key} (not finished, or unknown batch)`);
    throw err;
  }
}

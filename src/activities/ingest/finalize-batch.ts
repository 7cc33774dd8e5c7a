import { layout } from '../../pipeline/layout';
import type { ObjectStore } from '../../storage/object-store';
import type { FinalizeBatchInput, FinalizeBatchOutput } from './types';

export const MANIFEST_SCHEMA_VERSION = 1;

/** Writes `batches/<batchId>/manifest.json`: what went in, what came out, and how to verify it. */
export function createFinalizeBatch(store: ObjectStore) {
  return async function finalizeBatch(input: FinalizeBatchInput): Promise<FinalizeBatchOutput> {
    const { batchId, model, sources, results, rejectedFiles } = input;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const finishedAt = new Date();
    const manifest = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      batchId,
      model: { name: model.modelName, version: model.modelVersion },
      store: store.location,
      counts: {
        inputRows: sum(sources.map((s) => s.inputRows)),
        scored: sum(results.map((r) => r.rows)),
        quarantined: sum(sources.map((s) => s.quarantined)),
        rejectedFiles: rejectedFiles.length,
      },
      timings: {
        startedAt: input.startedAt,
        finishedAt: finishedAt.toISOString(),
        durationSeconds: (finishedAt.getTime() - Date.parse(input.startedAt)) / 1000,
      },
      sources: sources.map((s) => ({
        key: s.sourceKey,
        format: s.format,
        inputRows: s.inputRows,
        accepted: s.accepted,
        quarantined: s.quarantined,
        quarantineReasons: s.quarantineReasons,
        quarantineKey: s.quarantineKey ?? null,
      })),
      rejectedFiles,
      parts: results.map((r) => ({ key: r.resultKey, rows: r.rows, sha256: r.sha256 })),
    };
    const manifestKey = layout.manifest(batchId);
    await store.put(manifestKey, JSON.stringify(manifest, null, 2) + '\n');
    return { manifestKey };
  };
}

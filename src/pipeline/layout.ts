/**
 * Where every stage keeps its objects. One place, so the workflow, the activities, the Glue job and
 * the exporters agree on keys (object stores have no folders or symlinks, only key prefixes).
 */
const pad = (n: number, width = 5) => String(n).padStart(width, '0');

export const layout = {
  raw: (prefix: string, name: string) => `raw/${prefix}/${name}`,
  staged: (batchId: string, shard: number) => `staged/${batchId}/shard-${pad(shard)}.jsonl`,
  processed: (batchId: string, shard: number) => `processed/${batchId}/shard-${pad(shard)}.jsonl`,
  resultsPrefix: (batchId: string) => `results/${batchId}/`,
  resultPart: (batchId: string, shard: number) => `results/${batchId}/part-${pad(shard)}.jsonl`,
  manifest: (batchId: string) => `results/${batchId}/manifest.json`,
  quarantine: (batchId: string, sourceIndex: number) => `quarantine/${batchId}/source-${pad(sourceIndex, 4)}.jsonl`,
  rejectedFile: (batchId: string, sourceIndex: number) => `quarantine/${batchId}/source-${pad(sourceIndex, 4)}.rejected.json`,
  metrics: (day: string) => `metrics/${day}.jsonl`,
};

/** Batch ids become key segments and workflow ids: keep them boring. */
export function isValidBatchId(batchId: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(batchId) && !batchId.includes('..');
}

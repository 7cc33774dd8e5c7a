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

/**
 * Where a batch keeps its per-file and per-shard bookkeeping: small JSON summaries that the child
 * workflows and finalisation read back by prefix, so nothing in a workflow history grows with the
 * number of shards. Staged shards are numbered per source (files are prepared in parallel, so a
 * file's first global shard number is only known once it is prepared); every later stage uses the
 * batch-wide shard number the workflow assigned.
 */
export const batchLayout = {
  stagedShard: (batchId: string, sourceIndex: number, localShard: number) =>
    `staged/${batchId}/source-${pad(sourceIndex, 4)}/shard-${pad(localShard)}.jsonl`,
  sourceSummary: (batchId: string, sourceIndex: number) => `batches/${batchId}/sources/source-${pad(sourceIndex, 4)}.json`,
  sourceSummariesPrefix: (batchId: string) => `batches/${batchId}/sources/`,
  shardSummary: (batchId: string, shard: number) => `batches/${batchId}/shards/shard-${pad(shard)}.json`,
  shardSummariesPrefix: (batchId: string) => `batches/${batchId}/shards/`,
  /** Distinct document fingerprints of a shard (Float64Array bytes), for duplicates across shards. */
  shardFingerprints: (batchId: string, shard: number) => `batches/${batchId}/fingerprints/shard-${pad(shard)}.bin`,
  rangeSummary: (batchId: string, range: number) => `batches/${batchId}/ranges/range-${pad(range, 4)}.json`,
  rangeSummariesPrefix: (batchId: string) => `batches/${batchId}/ranges/`,
  quarantinePrefix: (batchId: string) => `quarantine/${batchId}/`,
  remoteJobSpec: (batchId: string, range: number, kind: string) => `jobs/${batchId}/range-${pad(range, 4)}-${kind}.json`,
};

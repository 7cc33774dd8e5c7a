/**
 * Where every stage keeps its objects. One place, so the workflow, the activities, the Glue job and
 * the exporters agree on keys (object stores have no folders or symlinks, only key prefixes).
 *
 * `results/` is the data lake: only Parquet result parts, partitioned Hive-style
 * (`results/model=<m>/dt=<yyyy-mm-dd>/batch=<id>/part-NNNNN.parquet`), so a Glue/Athena table over
 * it reads one schema and nothing else. Everything else a batch produces — its JSON Lines result
 * parts (what scoring writes and `export` streams), manifest, statistics and reports — lives in the
 * batch's own folder, `batches/<batchId>/`.
 */
const pad = (n: number, width = 5) => String(n).padStart(width, '0');

/** The partition of one batch in the data lake. */
export interface LakePartition {
  modelName: string;
  /** UTC date the batch started, `YYYY-MM-DD`. */
  dt: string;
  batchId: string;
}

export const LAKE_PREFIX = 'results/';

export const layout = {
  raw: (prefix: string, name: string) => `raw/${prefix}/${name}`,
  staged: (batchId: string, shard: number) => `staged/${batchId}/shard-${pad(shard)}.jsonl`,
  processed: (batchId: string, shard: number) => `processed/${batchId}/shard-${pad(shard)}.jsonl`,
  /** Everything of one batch except the lake's Parquet parts and the pipeline's shards. */
  batchPrefix: (batchId: string) => `batches/${batchId}/`,
  /** The JSON Lines result parts of a batch (one per shard, written by scoring). */
  resultsPrefix: (batchId: string) => `batches/${batchId}/results/`,
  resultPart: (batchId: string, shard: number) => `batches/${batchId}/results/part-${pad(shard)}.jsonl`,
  manifest: (batchId: string) => `batches/${batchId}/manifest.json`,
  statistics: (batchId: string) => `batches/${batchId}/statistics.json`,
  /** What the batch report shows beyond the drift statistics (raw lengths, cleaning steps, terms, languages). */
  profile: (batchId: string) => `batches/${batchId}/profile.json`,
  batchReport: (batchId: string) => `batches/${batchId}/reports/batch.html`,
  /** The batch's folder in the data lake. */
  lakePartition: (p: LakePartition) => `${LAKE_PREFIX}model=${p.modelName}/dt=${p.dt}/batch=${p.batchId}/`,
  lakePart: (p: LakePartition, shard: number) => `${layout.lakePartition(p)}part-${pad(shard)}.parquet`,
  quarantine: (batchId: string, sourceIndex: number) => `quarantine/${batchId}/source-${pad(sourceIndex, 4)}.jsonl`,
  rejectedFile: (batchId: string, sourceIndex: number) => `quarantine/${batchId}/source-${pad(sourceIndex, 4)}.rejected.json`,
  metrics: (day: string) => `metrics/${day}.jsonl`,
};

/** The shard index of a staged, processed or result key (`.../shard-00003.jsonl`, `.../part-00003.jsonl`). */
export function shardIndexOf(key: string): number | undefined {
  const match = /(?:shard|part)-(\d+)\.(?:jsonl|parquet)$/.exec(key);
  return match ? Number(match[1]) : undefined;
}

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

/**
 * Message contracts of the ingestBatch workflow. They travel through workflow histories, so they
 * carry object keys, counts and versions only — never document text. Each is versioned: a change
 * that old histories cannot replay against gets a new version instead of an edit.
 */

export type InputFormat = 'csv' | 'amazon-polarity' | 'jsonl' | 'text';

export interface ColumnMappingV1 {
  id?: string;
  title?: string;
  text?: string;
  label?: string;
}

/** One input object, by key in the configured object store. */
export interface SourceRefV1 {
  key: string;
  format?: InputFormat;
}

export interface IngestOptionsV1 {
  shardSize: number;
  /** How many shards are cleaned/scored at once. */
  parallelism: number;
  /** Keep the batch open this long for files signalled in by the S3-event handler; 0 closes it once idle. */
  windowMs: number;
  columns?: ColumnMappingV1;
  maxRecordBytes: number;
  /** Where cleaning runs: in the worker, or as an AWS Glue job. */
  etl: 'local' | 'glue';
  /** Where scoring runs: in the worker, in local processes (the AWS Batch stand-in), or on AWS Batch. */
  scoring: 'worker' | 'local' | 'aws';
  /** Ask continuousTraining for a run once this many labelled rows arrived since the last one (0: never). */
  retrainAfterLabelledRows?: number;
  /** Ask driftCorrection to compare recent batches with the training baseline every N batches (0: never). */
  driftCheckEveryBatches?: number;
  /** How many recent batches that check compares (default: max(driftCheckEveryBatches, 5)). */
  driftWindowBatches?: number;
  /** Replace e-mail addresses, phone numbers and URLs by placeholders before cleaning (in-worker ETL). */
  redactPii?: boolean;
  /** Shards per child workflow (default 500): a child's history grows with its range, the batch's with the child count. */
  rangeShards?: number;
  /** Files prepared at once (default 4). */
  prepareParallelism?: number;
  /** Child workflows running at once (default 4); each runs `parallelism` shards at once. */
  rangeConcurrency?: number;
}

export interface IngestBatchInputV1 {
  version: 1;
  batchId: string;
  modelName: string;
  sources: SourceRefV1[];
  options: IngestOptionsV1;
  /** Set by the batch itself when it continues as new (a long intake): what the earlier runs did. */
  continued?: IngestContinuationV1;
}

/** The state an ingestBatch run carries into its continuation: totals and counters, no per-shard lists. */
export interface IngestContinuationV1 {
  startedAt: string;
  model?: { modelName: string; modelVersion: string };
  /** Resolved once per batch (null: the model has no baseline). */
  baselineKey?: string | null;
  nextSourceIndex: number;
  nextShard: number;
  nextRange: number;
  pending: SourceRefV1[];
  /** The most recent source keys, to keep dropping duplicate S3 events. */
  seenKeys: string[];
  /** The first few rejected files, named when no file at all was readable. */
  rejectedSample: RejectedFileV1[];
  closed: boolean;
  windowEndsAt?: number;
  totals: {
    files: number;
    prepared: number;
    rejected: number;
    inputRows: number;
    quarantined: number;
    labelled: number;
    scored: number;
    shardsDone: number;
    predictedCounts: Record<string, number>;
  };
}

export interface RejectedFileV1 {
  key: string;
  code: string;
  message: string;
}

export interface IngestBatchResultV1 {
  version: 1;
  batchId: string;
  status: 'completed';
  modelName: string;
  modelVersion: string;
  inputRows: number;
  scored: number;
  quarantined: number;
  /** Class -> number of predictions. */
  predictedCounts: Record<string, number>;
  resultKeys: string[];
  quarantineKeys: string[];
  rejectedFiles: RejectedFileV1[];
  manifestKey: string;
}

/**
 * The result of batches started by the current code: prefixes and counts instead of per-shard and
 * per-file key lists, so the result stays the same size whatever the batch size. The manifest lists
 * every part with its row count and checksum.
 */
export interface IngestBatchResultV2 {
  version: 2;
  batchId: string;
  status: 'completed';
  modelName: string;
  modelVersion: string;
  inputRows: number;
  scored: number;
  quarantined: number;
  /** Class -> number of predictions. */
  predictedCounts: Record<string, number>;
  /** Result parts live under this prefix; `resultParts` of them (listed in the manifest). */
  resultsPrefix: string;
  resultParts: number;
  /** Quarantined rows live under this prefix, one file per source with rejected rows. */
  quarantinePrefix: string;
  quarantineFiles: number;
  /** Per-shard summaries (counts, keys, checksums) under this prefix. */
  shardSummariesPrefix: string;
  /** Child workflows the shards were spread over. */
  shardRanges: number;
  /** Up to MAX_REJECTED_FILES_IN_RESULT of them; all are in the manifest and under quarantinePrefix. */
  rejectedFiles: RejectedFileV1[];
  rejectedFileCount: number;
  manifestKey: string;
}

export const MAX_REJECTED_FILES_IN_RESULT = 100;

/** What a caller may get back from ingestBatch: V1 from runs started before the change to ranges. */
export type IngestBatchResult = IngestBatchResultV1 | IngestBatchResultV2;

/** A run of consecutive batch-wide shard numbers that one source's staged shards map to. */
export interface ShardBlockV1 {
  sourceIndex: number;
  /** The source's own shard number of the block's first shard. */
  firstLocal: number;
  /** The batch-wide shard number of the block's first shard. */
  first: number;
  count: number;
}

/** Input of the child workflow that owns a range of a batch's shards. */
export interface IngestShardRangeInputV1 {
  version: 1;
  batchId: string;
  range: number;
  /** The parent's workflow id, for progress signals. */
  parentWorkflowId: string;
  modelName: string;
  modelVersion: string;
  blocks: ShardBlockV1[];
  etl: IngestOptionsV1['etl'];
  scoring: IngestOptionsV1['scoring'];
  parallelism: number;
  redactPii?: boolean;
  /** Baseline whose vocabulary the shard statistics count out-of-vocabulary tokens against. */
  vocabularyKey: string | null;
  /** Carried across continue-as-new: shards of `blocks` already done (at most a range), and their totals. */
  done?: number[];
  carried?: ShardRangeTotalsV1;
}

export interface ShardRangeTotalsV1 {
  shards: number;
  rows: number;
  scored: number;
  predictedCounts: Record<string, number>;
}

export interface IngestShardRangeResultV1 extends ShardRangeTotalsV1 {
  version: 1;
  range: number;
  summaryKey: string;
}

/** Sent by a child to its parent every few shards, for the progress query (cumulative per range). */
export interface RangeProgressSignalV1 {
  range: number;
  shards: number;
  rows: number;
}

export const INGEST_SHARD_RANGE_WORKFLOW = 'ingestShardRange';

/**
 * A range's workflow id: from the batch id (in the parent's input, so replaying a history under
 * another workflow id still issues the same command), next to the batch's own `ingest-<batchId>`.
 */
export function rangeWorkflowId(batchId: string, range: number): string {
  return `ingest-${batchId}-range-${String(range).padStart(4, '0')}`;
}

export type IngestPhase = 'resolving-model' | 'preparing' | 'processing' | 'waiting-for-files' | 'finalizing' | 'completed' | 'failed';

export interface IngestProgressV1 {
  batchId: string;
  phase: IngestPhase;
  modelVersion?: string;
  files: { total: number; prepared: number; rejected: number };
  rows: { total: number; done: number; scored: number; quarantined: number };
  shards: { total: number; done: number };
}

export interface AddFilesSignalV1 {
  sources: SourceRefV1[];
}

export const INGEST_BATCH_WORKFLOW = 'ingestBatch';
export const ingestSignals = {
  addFiles: 'addFiles',
  closeBatch: 'closeBatch',
  rangeProgress: 'rangeProgress',
  shardsStaged: 'shardsStaged',
} as const;

/**
 * Sent by prepareSource while it reads a large file: the source's first `shards` staged shards are
 * written, so ranges can start on them before the whole file is read. Cumulative and idempotent.
 */
export interface ShardsStagedSignalV1 {
  sourceIndex: number;
  shards: number;
}
export const ingestQueries = { progress: 'progress' } as const;

/** Failure types that mean "fix the input", so retrying cannot help. */
export const ingestFailureTypes = {
  invalidInputFile: 'InvalidInputFile',
  invalidKey: 'InvalidKey',
  modelNotFound: 'ModelNotFound',
  reconciliationFailed: 'ReconciliationFailed',
  noValidInput: 'NoValidInput',
} as const;

/** Failures of the remote stages (Glue, local processes, AWS Batch). */
export const remoteJobFailureTypes = {
  failed: 'RemoteJobFailed',
  notConfigured: 'RunnerNotConfigured',
} as const;

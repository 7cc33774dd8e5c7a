/**
 * Message contracts of the ingestBatch workflow. They travel through workflow histories, so they
 * carry object keys, counts and versions only — never document text. Each is versioned: a change
 * that old histories cannot replay against gets a new version instead of an edit.
 */

import type { InfraRetryV1 } from './retry';

export type InputFormat = 'csv' | 'amazon-polarity' | 'jsonl' | 'text';

export interface ColumnMappingV1 {
  id?: string;
  title?: string;
  text?: string;
  label?: string;
}

/** Field separator of a delimited (csv) input; detected from its header line when absent. */
export type DelimiterV1 = ',' | ';' | '\t';

/** One input object, by key in the configured object store. */
export interface SourceRefV1 {
  key: string;
  format?: InputFormat;
  /** Optional (added after V1 shipped): overrides delimiter detection for csv inputs. */
  delimiter?: DelimiterV1;
}

/** Where the two movable stages run. */
export type EtlPlacement = 'local' | 'glue';
export type ScoringPlacement = 'worker' | 'local' | 'aws';

/**
 * A batch's options. The pipeline's sizes and limits (shardSize, parallelism, maxRecordBytes,
 * the training and drift triggers), where stages run, PII redaction and the retry window are the
 * deployment's: absent here, the workers' settings apply (the workflow asks a worker); present, they
 * override for this batch.
 */
export interface IngestOptionsV1 {
  /** Rows per shard (default: the workers' SHARD_SIZE). */
  shardSize?: number;
  /** How many shards are cleaned/scored at once (default: the workers' SHARD_PARALLELISM). */
  parallelism?: number;
  /** Keep the batch open this long for files signalled in by the S3-event handler; 0 closes it once idle. */
  windowMs: number;
  columns?: ColumnMappingV1;
  /** Larger rows are quarantined (default: the workers' MAX_RECORD_BYTES). */
  maxRecordBytes?: number;
  /**
   * Where cleaning runs, as the workers' deployment decided it (filled by the workflow, see
   * resolveDeployment; carried across continue-as-new). A starter's value is ignored: a batch asks
   * for a placement with `placement`.
   */
  etl?: EtlPlacement;
  /** Where scoring runs: as `etl`, the deployment's BATCH setting. */
  scoring?: ScoringPlacement;
  /**
   * An explicit per-batch override of where stages run (`ingest --etl/--scoring`). Absent, the
   * deployment decides: the workers' ETL and BATCH settings, read by the workflow's first activity.
   */
  placement?: { etl?: EtlPlacement; scoring?: ScoringPlacement };
  /** Per-batch override of the infrastructure retry window (default: the workers' INFRA_RETRY_TIMEOUT). */
  infraRetry?: InfraRetryV1;
  /** Ask continuousTraining for a run once this many labelled rows arrived since the last one (0: never). */
  retrainAfterLabelledRows?: number;
  /** Ask driftCorrection to compare recent batches with the training baseline every N batches (0: never). */
  driftCheckEveryBatches?: number;
  /** How many recent batches that check compares (default: max(driftCheckEveryBatches, 5)). */
  driftWindowBatches?: number;
  /**
   * Replace e-mail addresses, phone numbers and URLs by placeholders before cleaning, on every ETL
   * path. The deployment's REDACT_PII applies whatever this says; this can only add redaction.
   */
  redactPii?: boolean;
  /** Shards per child workflow (default 500): a child's history grows with its range, the batch's with the child count. */
  rangeShards?: number;
  /** Files prepared at once (default 4). */
  prepareParallelism?: number;
  /** Child workflows running at once (default 4); each runs `parallelism` shards at once. */
  rangeConcurrency?: number;
}

/**
 * What the workers' deployment decides for a batch, read from their settings by the workflow's
 * first activity (describeDeployment): placement, PII redaction and the retry window.
 */
export interface IngestDeploymentV1 {
  etl: EtlPlacement;
  scoring: ScoringPlacement;
  redactPii: boolean;
  infraRetryTimeoutMs: number;
  shardSize: number;
  parallelism: number;
  maxRecordBytes: number;
  retrainAfterLabelledRows: number;
  driftCheckEveryBatches: number;
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

/** What a batch runs with: the deployment's decisions, overridden only by explicit batch options. */
export interface ResolvedIngestDeploymentV1 {
  options: IngestOptionsV1 &
    Required<Pick<IngestOptionsV1, 'shardSize' | 'parallelism' | 'maxRecordBytes' | 'etl' | 'scoring' | 'redactPii'>>;
  retry: InfraRetryV1;
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
  /** The deployment's decisions for this batch, asked once (describeDeployment) and kept. */
  deployment?: ResolvedIngestDeploymentV1;
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

export interface BookkeepingFailureV1 {
  step: string;
  error: string;
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
  /**
   * Files that arrived through the legacy `addFiles` signal after intake had closed: not in this
   * batch, alerted (batch.late-files), for the sender to resubmit. Absent when there were none.
   */
  unprocessedFiles?: string[];
  /**
   * Steps after the results were written (metrics, statistics, triggers, notification) that failed
   * for good: the batch's results are complete, so it completes, and a batch.bookkeeping-failed
   * alert names them. Absent when there were none.
   */
  bookkeepingFailures?: BookkeepingFailureV1[];
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
  /** The batch's infrastructure retry window (the deployment's, or the batch's override). */
  infraRetry?: InfraRetryV1;
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

/** @deprecated The `addFiles` signal cannot refuse a file once intake has closed; use the submitFiles update. */
export interface AddFilesSignalV1 {
  sources: SourceRefV1[];
}

/**
 * Adds files to an open batch (an Update: the caller learns whether they were taken). Its
 * validator refuses once the batch's intake has closed (type IntakeClosed), so an accepted file
 * is always processed by this batch and a refused one goes to a follow-up batch.
 */
export interface SubmitFilesUpdateV1 {
  sources: SourceRefV1[];
}

export interface SubmitFilesResultV1 {
  batchId: string;
  /** Keys this batch will process (new to it). */
  accepted: string[];
  /** Keys it already had (a redelivered S3 event). */
  duplicates: string[];
}

export const INGEST_BATCH_WORKFLOW = 'ingestBatch';
export const ingestSignals = {
  addFiles: 'addFiles',
  closeBatch: 'closeBatch',
  rangeProgress: 'rangeProgress',
  shardsStaged: 'shardsStaged',
} as const;
export const ingestUpdates = { submitFiles: 'submitFiles' } as const;

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
  /** A model name that is not a valid registry key (e.g. `../../secrets`). */
  invalidModelName: 'InvalidModelName',
  reconciliationFailed: 'ReconciliationFailed',
  noValidInput: 'NoValidInput',
  /** submitFiles after the batch stopped taking files: send them to a follow-up batch. */
  intakeClosed: 'IntakeClosed',
} as const;

/** Failures of the remote stages (Glue, local processes, AWS Batch). */
export const remoteJobFailureTypes = {
  failed: 'RemoteJobFailed',
  /** The job reported bad input (exit code 2, a Glue SpecError): never resubmitted. */
  badInput: 'RemoteJobBadInput',
  notConfigured: 'RunnerNotConfigured',
} as const;

import type { ColumnMappingV1, InputFormat, RejectedFileV1, ShardBlockV1, SourceRefV1 } from '../../contracts/ingest-batch';

/** Activity inputs and outputs of ingestBatch: keys and counts only (they land in history). */

export interface ResolvedModel {
  modelName: string;
  modelVersion: string;
}

export interface StagedShard {
  index: number;
  key: string;
  rows: number;
}

export interface PrepareSourceInput {
  batchId: string;
  sourceIndex: number;
  source: SourceRefV1;
  shardSize: number;
  columns?: ColumnMappingV1;
  maxRecordBytes: number;
  /** Signal the calling workflow (shardsStaged) as shards are written, at most every this many ms. */
  announceEveryMs?: number;
}

/** What prepareSource returns to the workflow: counts only, whatever the file's size. */
export type PrepareSourceOutput =
  | {
      ok: true;
      sourceIndex: number;
      sourceKey: string;
      format: InputFormat;
      inputRows: number;
      accepted: number;
      /** Accepted rows that carry a label: training data for continuousTraining. */
      labelled: number;
      quarantined: number;
      /** Staged shards written (numbered 0.. within the source; batchLayout.stagedShard). */
      shards: number;
      /** Where the full account (shard keys and sizes, quarantine reasons) was written. */
      summaryKey: string;
    }
  | { ok: false; rejected: RejectedFileV1 };

/** `batches/<batchId>/sources/source-NNNN.json`: one prepared (or rejected) file. */
export interface SourceSummaryV1 {
  schemaVersion: 1;
  batchId: string;
  sourceIndex: number;
  sourceKey: string;
  format: InputFormat | null;
  inputRows: number;
  accepted: number;
  labelled: number;
  quarantined: number;
  quarantineKey: string | null;
  /** Why rows were quarantined: reason -> count. */
  quarantineReasons: Record<string, number>;
  /** The source's staged shards, numbered from 0. */
  shards: Array<{ local: number; key: string; rows: number }>;
  /** Set when the whole file was refused. */
  rejected: RejectedFileV1 | null;
}

export interface ShardRefV1 {
  /** Batch-wide shard number. */
  index: number;
  sourceIndex: number;
  /** The source's own shard number (its staged key). */
  local: number;
}

export interface ProcessShardInput {
  batchId: string;
  shard: ShardRefV1;
  model: ResolvedModel;
  /** Score in the same pass (scoring runs in the worker); otherwise only clean. */
  score: boolean;
  redactPii?: boolean;
  vocabularyKey?: string | null;
}

export interface ProcessShardOutput {
  index: number;
  rows: number;
  scored: number;
}

export interface ShardRangeRef {
  batchId: string;
  range: number;
  blocks: ShardBlockV1[];
  model: ResolvedModel;
  /** The Glue job redacts PII before cleaning, as the in-worker stage does. */
  redactPii?: boolean;
}

export interface SummarizeRangeOutput {
  summaryKey: string;
  shards: number;
  rows: number;
  scored: number;
  predictedCounts: Record<string, number>;
}

export interface FinalizeBatchInput {
  batchId: string;
  model: ResolvedModel;
  startedAt: string;
  /** Totals the workflow reconciled; finalisation checks the summaries in the store agree. */
  expected: { inputRows: number; scored: number; quarantined: number; shards: number; sources: number };
}

export interface FinalizeBatchOutput {
  manifestKey: string;
  resultParts: number;
  quarantineFiles: number;
  rejectedFiles: RejectedFileV1[];
  rejectedFileCount: number;
}

/** Legacy shapes, still used by the remote scoring summary reader. */
export interface ScoreShardOutput {
  index: number;
  resultKey: string;
  rows: number;
  sha256: string;
  predictedCounts: Record<string, number>;
}

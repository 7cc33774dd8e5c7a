import type { ColumnMappingV1, InputFormat, RejectedFileV1, SourceRefV1 } from '../../contracts/ingest-batch';

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
  /** Numbering of this source's shards starts here, so shard indexes are unique within the batch. */
  firstShardIndex: number;
  columns?: ColumnMappingV1;
  maxRecordBytes: number;
}

export type PrepareSourceOutput =
  | {
      ok: true;
      sourceKey: string;
      format: InputFormat;
      inputRows: number;
      accepted: number;
      /** Accepted rows that carry a label: training data for continuousTraining. */
      labelled: number;
      quarantined: number;
      quarantineKey?: string;
      /** Why rows were quarantined: reason -> count. */
      quarantineReasons: Record<string, number>;
      shards: StagedShard[];
    }
  | { ok: false; rejected: RejectedFileV1 };

export interface ProcessShardInput {
  batchId: string;
  shard: StagedShard;
  model: ResolvedModel;
  /** Score in the same pass (scoring runs in the worker); otherwise only clean. */
  score: boolean;
  redactPii?: boolean;
}

export interface ProcessShardOutput {
  index: number;
  processedKey: string;
  rows: number;
  scored?: ScoreShardOutput;
}

export interface ScoreShardOutput {
  index: number;
  resultKey: string;
  rows: number;
  sha256: string;
  predictedCounts: Record<string, number>;
}

export interface FinalizeBatchInput {
  batchId: string;
  model: ResolvedModel;
  startedAt: string;
  sources: Array<Extract<PrepareSourceOutput, { ok: true }>>;
  rejectedFiles: RejectedFileV1[];
  results: ScoreShardOutput[];
}

export interface FinalizeBatchOutput {
  manifestKey: string;
}

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

/** Field separator of a delimited (csv) input; detected from its header line when absent. */
export type DelimiterV1 = ',' | ';' | '\t';

/** One input object, by key in the configured object store. */
export interface SourceRefV1 {
  key: string;
  format?: InputFormat;
  /** Optional (added after V1 shipped): overrides delimiter detection for csv inputs. */
  delimiter?: DelimiterV1;
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
}

export interface IngestBatchInputV1 {
  version: 1;
  batchId: string;
  modelName: string;
  sources: SourceRefV1[];
  options: IngestOptionsV1;
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
export const ingestSignals = { addFiles: 'addFiles', closeBatch: 'closeBatch' } as const;
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
} as const;

/**
 * The port behind the two remote stages: the ETL runner (in-worker or AWS Glue) and the batch
 * runner (local processes or AWS Batch). A job is submitted once, polled until it ends, and stopped
 * when the workflow is cancelled. Activities keep the job id in their heartbeat details, so a
 * retried attempt resumes polling the same job instead of submitting a second one.
 */

/** What an ETL job does: clean staged shards into processed shards, one output per input. */
export interface EtlJobSpec {
  kind: 'etl';
  batchId: string;
  /** The range of the batch's shards (child workflow) this job covers, when the batch has ranges. */
  range?: number;
  /** staged/<batchId>/shard-NNNNN.jsonl, in shard order. */
  inputKeys: string[];
  /** processed/<batchId>/shard-NNNNN.jsonl, same order and length as inputKeys. */
  outputKeys: string[];
  /** The pinned model's text options, as JSON (language, negations, stemming, per-document language detection). */
  textOptions: { language: string; keepNegations: boolean; stem: boolean; detectLanguage?: boolean };
  /** Replace e-mail addresses, phone numbers and URLs by placeholders before cleaning (REDACT_PII). */
  redactPii?: boolean;
}

/** What a scoring job does: array child i scores processedKeys[i] into resultKeys[i]. */
export interface ScoringJobSpec {
  kind: 'scoring';
  batchId: string;
  /** The range of the batch's shards (child workflow) this job covers, when the batch has ranges. */
  range?: number;
  modelName: string;
  modelVersion: string;
  processedKeys: string[];
  resultKeys: string[];
}

export type JobSpec = EtlJobSpec | ScoringJobSpec;

export type RemoteJobState =
  | { state: 'running'; detail?: string }
  | { state: 'succeeded' }
  | {
      state: 'failed';
      code: 'FAILED' | 'TIMEOUT' | 'STOPPED' | 'ERROR';
      reason: string;
      /** The job reported bad input (its permanent-failure exit): resubmitting cannot help. */
      permanent?: boolean;
    };

export interface RemoteJobRunner<S extends JobSpec = JobSpec> {
  /** A short name for logs and failures, e.g. "glue:nlp-clean" or "batch:nlp-score". */
  readonly name: string;
  /**
   * Submits the job. `idempotencyToken` is stable across activity retries (batch id + stage), so a
   * runner that supports it never starts the same work twice.
   */
  submit(spec: S, idempotencyToken: string): Promise<string>;
  status(jobId: string): Promise<RemoteJobState>;
  stop(jobId: string, reason: string): Promise<void>;
  /** Releases what the runner holds in this process (local child processes); remote runners hold nothing. */
  close?(): Promise<void>;
}

import { BatchStopJobRunCommand, GetJobRunCommand, GetJobRunsCommand, GlueClient, JobRun, StartJobRunCommand } from '@aws-sdk/client-glue';
import type { Settings } from '../config/settings';
import { jobSpecKey } from './job-spec-key';
import { validateJobSpec } from './job-spec';
import type { EtlJobSpec, RemoteJobRunner, RemoteJobState } from './remote-job';

export interface GlueRunnerOptions {
  client: GlueClient;
  /** The Glue job (created by infrastructure code) whose script is glue/nlp_clean_job.py. */
  jobName: string;
  /** Where the script finds the store, e.g. `glueStoreArguments(settings)`. */
  storeArgs: Record<string, string>;
  /** How many recent runs submit() scans for one started with the same token (200 per page). */
  idempotencyScanPages?: number;
}

/** The argument carrying the idempotency token; the script ignores it, GetJobRuns echoes it. */
export const GLUE_TOKEN_ARGUMENT = '--idempotency_token';

/**
 * nlp_clean_job.py raises SpecError for input no rerun can fix (a bad spec, a line that is not a
 * staged record, a missing shard); Glue puts the exception's name and message in ErrorMessage,
 * also when an executor raised it (inside Spark's PythonException text).
 */
export const GLUE_PERMANENT_ERROR = /\bSpecError\b/;

const RUNNING = new Set(['STARTING', 'RUNNING', 'STOPPING', 'WAITING']);
const FAILURE_CODES: Record<string, Extract<RemoteJobState, { state: 'failed' }>['code']> = {
  FAILED: 'FAILED',
  ERROR: 'ERROR',
  TIMEOUT: 'TIMEOUT',
  STOPPED: 'STOPPED',
  // A Flex run that waited for capacity past its TTL never ran: closest to a timeout.
  EXPIRED: 'TIMEOUT',
};

/** Job arguments telling nlp_clean_job.py where the store is (`--store_uri` s3://bucket/prefix or file://root). */
export function glueStoreArguments(settings: Pick<Settings, 'store' | 'aws'>): Record<string, string> {
  const store = settings.store;
  const args: Record<string, string> = {};
  if (store.kind === 's3') {
    args['--store_uri'] = store.prefix ? `s3://${store.bucket}/${store.prefix.replace(/^\/+|\/+$/g, '')}` : `s3://${store.bucket}`;
    if (store.sseKmsKeyId) args['--sse_kms_key_id'] = store.sseKmsKeyId;
  } else {
    args['--store_uri'] = `file://${store.root}`;
  }
  // Only for emulators and local runs; a real Glue job reaches S3 through its own endpoint.
  if (settings.aws.endpoint !== undefined) args['--aws_endpoint_url'] = settings.aws.endpoint;
  return args;
}

/** Maps a Glue job run to the port's state. */
export function glueRunState(run: Pick<JobRun, 'JobRunState' | 'ErrorMessage' | 'Attempt'> | undefined): RemoteJobState {
  const state = run?.JobRunState;
  if (state === undefined) return { state: 'failed', code: 'ERROR', reason: 'Glue returned no job run state' };
  if (state === 'SUCCEEDED') return { state: 'succeeded' };
  if (RUNNING.has(state)) return { state: 'running', detail: `Glue ${state}${run?.Attempt ? ` (attempt ${run.Attempt + 1})` : ''}` };
  const code = FAILURE_CODES[state] ?? 'ERROR';
  const permanent = state === 'FAILED' && GLUE_PERMANENT_ERROR.test(run?.ErrorMessage ?? '');
  return {
    state: 'failed',
    code,
    reason: `Glue job run ${state}${run?.ErrorMessage ? `: ${run.ErrorMessage}` : ''}`,
    ...(permanent && { permanent: true }),
  };
}

/**
 * The ETL stage on AWS Glue. The job gets only the spec's key (`--spec_key`) and the store
 * arguments; the spec itself was written to the store by the activity (claim check).
 *
 * Idempotency: StartJobRun takes no client token, and the activity can crash between StartJobRun
 * and recording the run id in its heartbeat. So every run carries the token as an extra argument
 * and submit() first looks through the job's recent runs for a live or successful one with the
 * same token. Failed runs are ignored: submitting again after a failure is the retry.
 */
export class GlueRunner implements RemoteJobRunner<EtlJobSpec> {
  readonly name: string;
  private readonly client: GlueClient;
  private readonly jobName: string;
  private readonly storeArgs: Record<string, string>;
  private readonly scanPages: number;

  constructor(options: GlueRunnerOptions) {
    if (!options.jobName) throw new Error('GlueRunner: jobName is required');
    if (!options.storeArgs['--store_uri']) throw new Error('GlueRunner: storeArgs must include --store_uri');
    this.client = options.client;
    this.jobName = options.jobName;
    this.storeArgs = options.storeArgs;
    this.scanPages = options.idempotencyScanPages ?? 3;
    this.name = `glue:${options.jobName}`;
  }

  async submit(spec: EtlJobSpec, idempotencyToken: string): Promise<string> {
    const valid = validateJobSpec(spec, 'etl');
    const existing = await this.findRun(idempotencyToken);
    if (existing) return existing;
    const out = await this.client.send(
      new StartJobRunCommand({
        JobName: this.jobName,
        Arguments: {
          ...this.storeArgs,
          '--spec_key': jobSpecKey(valid.batchId, 'etl', valid.range),
          [GLUE_TOKEN_ARGUMENT]: idempotencyToken,
        },
      }),
    );
    if (!out.JobRunId) throw new Error(`Glue StartJobRun for ${this.jobName} returned no JobRunId`);
    return out.JobRunId;
  }

  async status(jobId: string): Promise<RemoteJobState> {
    const out = await this.client.send(new GetJobRunCommand({ JobName: this.jobName, RunId: jobId }));
    return glueRunState(out.JobRun);
  }

  async stop(jobId: string, reason: string): Promise<void> {
    const out = await this.client.send(new BatchStopJobRunCommand({ JobName: this.jobName, JobRunIds: [jobId] }));
    const error = out.Errors?.[0];
    if (!error) return;
    // Stopping a run that has already ended is not an error for the caller (cancellation races it).
    const current = await this.status(jobId);
    if (current.state !== 'running') return;
    const detail = error.ErrorDetail;
    throw new Error(`Glue BatchStopJobRun ${jobId} (${reason}) failed: ${detail?.ErrorCode ?? 'error'}: ${detail?.ErrorMessage ?? ''}`);
  }

  private async findRun(token: string): Promise<string | undefined> {
    let nextToken: string | undefined;
    for (let page = 0; page < this.scanPages; page++) {
      const out = await this.client.send(new GetJobRunsCommand({ JobName: this.jobName, MaxResults: 200, NextToken: nextToken }));
      for (const run of out.JobRuns ?? []) {
        if (run.Arguments?.[GLUE_TOKEN_ARGUMENT] !== token || !run.Id) continue;
        if (glueRunState(run).state !== 'failed') return run.Id;
      }
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
    return undefined;
  }
}

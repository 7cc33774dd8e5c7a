import {
  BatchClient,
  DescribeJobsCommand,
  EvaluateOnExit,
  JobDetail,
  JobSummary,
  ListJobsCommand,
  SubmitJobCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch';
import { createHash } from 'node:crypto';
import { jobSpecKey } from './job-spec-key';
import { validateJobSpec } from './job-spec';
import type { RemoteJobRunner, RemoteJobState, ScoringJobSpec } from './remote-job';
import { EXIT_PERMANENT } from './task-errors';

export interface AwsBatchRunnerOptions {
  client: BatchClient;
  jobQueue: string;
  /** A container job definition running `node dist/src/scoring/batch-entrypoint.js` (the image's `score`). */
  jobDefinition: string;
  /** Attempts per array child (1..10, default 3). */
  attempts?: number;
  /** Which failures are retried; the default never retries exit code 2 (bad input). */
  evaluateOnExit?: EvaluateOnExit[];
  /** Per-attempt limit (>= 60; default one hour). */
  attemptDurationSeconds?: number;
  /** Extra container environment, e.g. `storeEnvironment(settings)` when the definition lacks it. */
  environment?: Record<string, string>;
  /** How many ListJobs pages submit() scans for a job with the same name. */
  idempotencyScanPages?: number;
}

/** Prefix of the reasons stop() passes to TerminateJob, so status() can tell our stops from failures. */
export const STOP_REASON_PREFIX = 'nlp-batch stop: ';

export const DEFAULT_EVALUATE_ON_EXIT: EvaluateOnExit[] = [
  { onExitCode: String(EXIT_PERMANENT), action: 'EXIT' },
  // Host terminations, spot reclaims, OOM kills, exit code 1...: another attempt may well succeed.
  { onStatusReason: '*', action: 'RETRY' },
];

const RUNNING_STATUSES = new Set(['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING']);
const MAX_ARRAY_SIZE = 10_000;
const MAX_NAME = 128;

/**
 * A Batch job name from the idempotency token: letters, digits, - and _, at most 128, starting
 * with a letter or digit. When anything had to change, a hash of the token is appended so two
 * tokens never share a name (the name is what submit() looks jobs up by).
 */
export function batchJobName(token: string): string {
  let name = token.replace(/[^A-Za-z0-9_-]/g, '-');
  if (!/^[A-Za-z0-9]/.test(name)) name = `j${name}`;
  if (name === token && name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(token).digest('hex').slice(0, 10);
  return `${name.slice(0, MAX_NAME - hash.length - 1)}-${hash}`;
}

/**
 * The scoring stage on AWS Batch: one array job whose child i scores shard i (a plain job when
 * there is one shard, since arrays need 2..10,000 children). Children read the spec by key
 * (parameter `specKey` and env `SPEC_KEY`) from the store configured in the job definition.
 *
 * Idempotency: SubmitJob takes no client token, so the job name is derived from the token and
 * submit() first asks ListJobs for a live or successful job of that name in the queue.
 */
export class AwsBatchRunner implements RemoteJobRunner<ScoringJobSpec> {
  readonly name: string;
  private readonly client: BatchClient;
  private readonly jobQueue: string;
  private readonly jobDefinition: string;
  private readonly attempts: number;
  private readonly evaluateOnExit: EvaluateOnExit[];
  private readonly attemptDurationSeconds: number;
  private readonly environment: Record<string, string>;
  private readonly scanPages: number;

  constructor(options: AwsBatchRunnerOptions) {
    this.client = options.client;
    this.jobQueue = options.jobQueue;
    this.jobDefinition = options.jobDefinition;
    this.attempts = options.attempts ?? 3;
    if (!Number.isInteger(this.attempts) || this.attempts < 1 || this.attempts > 10)
      throw new RangeError('AwsBatchRunner: attempts must be 1..10');
    this.evaluateOnExit = options.evaluateOnExit ?? DEFAULT_EVALUATE_ON_EXIT;
    this.attemptDurationSeconds = options.attemptDurationSeconds ?? 3600;
    if (this.attemptDurationSeconds < 60) throw new RangeError('AwsBatchRunner: attemptDurationSeconds must be >= 60 (Batch minimum)');
    this.environment = options.environment ?? {};
    this.scanPages = options.idempotencyScanPages ?? 3;
    this.name = `batch:${options.jobQueue}`;
  }

  async submit(spec: ScoringJobSpec, idempotencyToken: string): Promise<string> {
    const valid = validateJobSpec(spec, 'scoring');
    const size = valid.processedKeys.length;
    if (size > MAX_ARRAY_SIZE) throw new RangeError(`AWS Batch arrays hold at most ${MAX_ARRAY_SIZE} children; got ${size} shards`);
    const jobName = batchJobName(idempotencyToken);
    const existing = await this.findJob(jobName);
    if (existing) return existing;

    const specKey = jobSpecKey(valid.batchId, 'scoring', valid.range);
    const out = await this.client.send(
      new SubmitJobCommand({
        jobName,
        jobQueue: this.jobQueue,
        jobDefinition: this.jobDefinition,
        ...(size >= 2 ? { arrayProperties: { size } } : {}),
        parameters: { specKey },
        containerOverrides: {
          environment: [
            ...Object.entries(this.environment).map(([name, value]) => ({ name, value })),
            { name: 'SPEC_KEY', value: specKey },
          ],
        },
        retryStrategy: { attempts: this.attempts, evaluateOnExit: this.evaluateOnExit },
        timeout: { attemptDurationSeconds: this.attemptDurationSeconds },
        tags: { 'nlp-batch:batch-id': valid.batchId, 'nlp-batch:stage': 'scoring' },
        propagateTags: true,
      }),
    );
    if (!out.jobId) throw new Error(`Batch SubmitJob ${jobName} returned no jobId`);
    return out.jobId;
  }

  async status(jobId: string): Promise<RemoteJobState> {
    const out = await this.client.send(new DescribeJobsCommand({ jobs: [jobId] }));
    const job = out.jobs?.[0];
    if (!job)
      return {
        state: 'failed',
        code: 'ERROR',
        reason: `Batch job ${jobId} not found (expired from Batch's history or wrong region/queue)`,
      };
    const state = batchJobState(job);
    if (state.state !== 'failed' || state.code !== 'FAILED' || !job.arrayProperties?.size) return state;
    const children = await this.failedChildren(jobId, job.arrayProperties.size);
    return { ...state, reason: `${state.reason}; ${children.text}`, ...(children.permanent && { permanent: true }) };
  }

  async stop(jobId: string, reason: string): Promise<void> {
    // TerminateJob also cancels queued jobs, and on an array parent it ends every child.
    await this.client.send(new TerminateJobCommand({ jobId, reason: `${STOP_REASON_PREFIX}${reason}`.slice(0, 1000) }));
  }

  private async findJob(jobName: string): Promise<string | undefined> {
    let nextToken: string | undefined;
    const candidates: JobSummary[] = [];
    for (let page = 0; page < this.scanPages; page++) {
      // With a filter, ListJobs returns jobs in every status, not just RUNNING.
      const out = await this.client.send(
        new ListJobsCommand({ jobQueue: this.jobQueue, filters: [{ name: 'JOB_NAME', values: [jobName] }], nextToken }),
      );
      // Array children ("<parent>:<index>") share the parent's name; the job to resume is the parent.
      // AWS lists only parents here, moto lists children too.
      candidates.push(
        ...(out.jobSummaryList ?? []).filter((j) => j.jobName === jobName && j.status !== 'FAILED' && j.jobId && !j.jobId.includes(':')),
      );
      nextToken = out.nextToken;
      if (!nextToken) break;
    }
    candidates.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
    return candidates[0]?.jobId;
  }

  /**
   * Which children failed and why, for the failure reason (first few only), and whether one of
   * them exited with the permanent-failure code (bad input: the whole job is then permanent).
   */
  private async failedChildren(arrayJobId: string, size: number): Promise<{ text: string; permanent: boolean }> {
    try {
      const out = await this.client.send(new ListJobsCommand({ arrayJobId, jobStatus: 'FAILED', maxResults: 100 }));
      const summaries = out.jobSummaryList ?? [];
      const permanent = summaries.some((j) => j.container?.exitCode === EXIT_PERMANENT);
      const failed = summaries
        .map((j) => ({ index: j.arrayProperties?.index ?? Number(j.jobId?.split(':').pop()), reason: childReason(j) }))
        .sort((a, b) => a.index - b.index);
      if (failed.length === 0) return { text: `no failed children listed (of ${size})`, permanent };
      const shown = failed.slice(0, 5).map((f) => `child ${f.index}: ${f.reason}`);
      return { text: `${failed.length}${out.nextToken ? '+' : ''} of ${size} children failed: ${shown.join('; ')}`, permanent };
    } catch (err) {
      return { text: `could not list failed children (${(err as Error).message})`, permanent: false };
    }
  }
}

function childReason(job: JobSummary): string {
  const exit = job.container?.exitCode;
  const parts = [job.statusReason, job.container?.reason, exit !== undefined ? `exit code ${exit}` : undefined].filter(Boolean);
  return parts.join(', ') || 'no reason given';
}

/** Maps a Batch job (or array parent) to the port's state. */
export function batchJobState(
  job: Pick<JobDetail, 'status' | 'statusReason' | 'arrayProperties' | 'isTerminated' | 'container' | 'attempts'>,
): RemoteJobState {
  const status = job.status ?? 'UNKNOWN';
  if (status === 'SUCCEEDED') return { state: 'succeeded' };
  if (RUNNING_STATUSES.has(status)) {
    const summary = job.arrayProperties?.statusSummary;
    const size = job.arrayProperties?.size;
    const counts = summary
      ? Object.entries(summary)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ')
      : '';
    return { state: 'running', detail: size ? `Batch ${status}: ${counts || 'no children yet'} of ${size}` : `Batch ${status}` };
  }
  const reason = job.statusReason ?? job.container?.reason ?? job.attempts?.[job.attempts.length - 1]?.statusReason ?? '';
  if (status !== 'FAILED') return { state: 'failed', code: 'ERROR', reason: `Batch job status ${status}${reason ? `: ${reason}` : ''}` };
  if (reason.startsWith(STOP_REASON_PREFIX)) return { state: 'failed', code: 'STOPPED', reason: reason.slice(STOP_REASON_PREFIX.length) };
  if (/exceeded timeout|timed out/i.test(reason)) return { state: 'failed', code: 'TIMEOUT', reason: `Batch: ${reason}` };
  if (job.isTerminated) return { state: 'failed', code: 'STOPPED', reason: `Batch: terminated${reason ? ` (${reason})` : ''}` };
  const exit = job.container?.exitCode;
  return {
    state: 'failed',
    code: 'FAILED',
    reason: `Batch job FAILED${reason ? `: ${reason}` : ''}${exit !== undefined ? ` (exit code ${exit})` : ''}`,
    // The entrypoint exits 2 for input no attempt can fix (the retry strategy already stopped there).
    ...(exit === EXIT_PERMANENT && { permanent: true }),
  };
}

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../util/repo-root';
import { jobSpecKey } from './job-spec-key';
import { taskCount, validateJobSpec } from './job-spec';
import type { JobSpec, RemoteJobRunner, RemoteJobState } from './remote-job';
import { EXIT_OK, EXIT_PERMANENT } from './task-errors';

export interface LocalProcessRunnerOptions {
  /** Compiled entrypoint per job kind; defaults to the build under `<repoRoot>/dist/src/`. */
  entrypoints?: Partial<Record<JobSpec['kind'], string>>;
  /** Tasks running at once across all jobs of this runner (default: number of CPUs). */
  concurrency?: number;
  /** Environment the tasks start from (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Laid over baseEnv, typically `storeEnvironment(settings)`, so tasks see the same store. */
  env?: Record<string, string>;
  /** Attempts per task, like AWS Batch's retryStrategy.attempts (default 3). Exit code 2 is never retried. */
  attempts?: number;
  /** Per-attempt limit, like Batch's attemptDurationSeconds; a timed-out task fails the job (no retry). */
  attemptTimeoutMs?: number;
  /** How long a stopped task gets between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Finished jobs remembered for status() (oldest forgotten first). */
  maxFinishedJobs?: number;
  nodePath?: string;
}

interface LocalJob {
  id: string;
  token: string;
  kind: JobSpec['kind'];
  specKey: string;
  entrypoint: string;
  total: number;
  nextIndex: number;
  retries: number[];
  attempts: Map<number, number>;
  running: Map<number, ChildProcess>;
  done: number;
  outcome?: RemoteJobState;
}

const STDERR_TAIL = 2000;

export function defaultEntrypoints(root: string = repoRoot()): Record<JobSpec['kind'], string> {
  return {
    scoring: path.join(root, 'dist', 'src', 'scoring', 'batch-entrypoint.js'),
    etl: path.join(root, 'dist', 'src', 'etl', 'local-etl-entrypoint.js'),
  };
}

/**
 * Local processes standing in for AWS Batch (and Glue): one Node process per shard index, with the
 * environment a Batch array child gets (SPEC_KEY, AWS_BATCH_JOB_ARRAY_INDEX, AWS_BATCH_JOB_ATTEMPT),
 * so the same entrypoint runs in both places. State lives in memory: after a worker restart a job
 * id is unknown and reported as failed, and the activity resubmits (tasks overwrite fixed keys, so
 * re-running a shard is harmless).
 */
export class LocalProcessRunner implements RemoteJobRunner<JobSpec> {
  readonly name = 'local-processes';
  private readonly entrypoints: Partial<Record<JobSpec['kind'], string>>;
  private readonly concurrency: number;
  private readonly baseEnv: NodeJS.ProcessEnv;
  private readonly env: Record<string, string>;
  private readonly attempts: number;
  private readonly attemptTimeoutMs: number | undefined;
  private readonly killGraceMs: number;
  private readonly maxFinishedJobs: number;
  private readonly nodePath: string;
  /** Insertion order is submission order: tasks start first-come first-served across jobs. */
  private readonly jobs = new Map<string, LocalJob>();
  private active = 0;
  private sequence = 0;
  private readonly killAllOnExit = (): void => {
    for (const job of this.jobs.values()) for (const child of job.running.values()) child.kill('SIGKILL');
  };

  constructor(options: LocalProcessRunnerOptions = {}) {
    this.entrypoints = options.entrypoints ?? {};
    this.concurrency = options.concurrency ?? os.availableParallelism();
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError('LocalProcessRunner: concurrency must be >= 1');
    this.attempts = options.attempts ?? 3;
    if (!Number.isInteger(this.attempts) || this.attempts < 1 || this.attempts > 10)
      throw new RangeError('LocalProcessRunner: attempts must be 1..10');
    this.baseEnv = options.baseEnv ?? process.env;
    this.env = options.env ?? {};
    this.attemptTimeoutMs = options.attemptTimeoutMs;
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.maxFinishedJobs = options.maxFinishedJobs ?? 1000;
    this.nodePath = options.nodePath ?? process.execPath;
  }

  async submit(spec: JobSpec, idempotencyToken: string): Promise<string> {
    const valid = validateJobSpec(spec, spec.kind);
    // Same token, job not failed: the activity retried after submitting; hand back the same job.
    for (const job of this.jobs.values()) {
      if (job.token === idempotencyToken && job.outcome?.state !== 'failed') return job.id;
    }
    const entrypoint = this.entrypointFor(valid.kind);
    const id = `local-${idempotencyToken.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100)}-${++this.sequence}`;
    this.jobs.set(id, {
      id,
      token: idempotencyToken,
      kind: valid.kind,
      specKey: jobSpecKey(valid.batchId, valid.kind, valid.range),
      entrypoint,
      total: taskCount(valid),
      nextIndex: 0,
      retries: [],
      attempts: new Map(),
      running: new Map(),
      done: 0,
    });
    this.pump();
    return id;
  }

  async status(jobId: string): Promise<RemoteJobState> {
    const job = this.jobs.get(jobId);
    if (!job) {
      return { state: 'failed', code: 'ERROR', reason: `unknown local job ${jobId} (the worker that ran it has restarted); resubmit` };
    }
    if (job.outcome) return job.outcome;
    const waiting = job.total - job.done - job.running.size;
    return { state: 'running', detail: `${job.done}/${job.total} tasks done, ${job.running.size} running, ${waiting} waiting` };
  }

  async stop(jobId: string, reason: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job || job.outcome) return;
    await this.finish(job, { state: 'failed', code: 'STOPPED', reason });
  }

  /** Stops every unfinished job and waits for its processes (worker shutdown, tests). */
  async close(): Promise<void> {
    const open = [...this.jobs.values()].filter((job) => !job.outcome);
    await Promise.all(open.map((job) => this.finish(job, { state: 'failed', code: 'STOPPED', reason: 'runner closed' })));
  }

  private entrypointFor(kind: JobSpec['kind']): string {
    const entrypoint = this.entrypoints[kind] ?? defaultEntrypoints()[kind];
    if (!existsSync(entrypoint)) throw new Error(`${entrypoint} does not exist: build the project first (npm run build)`);
    return entrypoint;
  }

  private pump(): void {
    while (this.active < this.concurrency) {
      const next = this.nextTask();
      if (!next) return;
      this.launch(next.job, next.index);
    }
  }

  private nextTask(): { job: LocalJob; index: number } | undefined {
    for (const job of this.jobs.values()) {
      if (job.outcome) continue;
      const retry = job.retries.shift();
      if (retry !== undefined) return { job, index: retry };
      if (job.nextIndex < job.total) return { job, index: job.nextIndex++ };
    }
    return undefined;
  }

  private launch(job: LocalJob, index: number): void {
    const attempt = (job.attempts.get(index) ?? 0) + 1;
    job.attempts.set(index, attempt);
    const child = spawn(this.nodePath, [job.entrypoint], {
      env: {
        ...this.baseEnv,
        ...this.env,
        SPEC_KEY: job.specKey,
        AWS_BATCH_JOB_ARRAY_INDEX: String(index),
        AWS_BATCH_JOB_ATTEMPT: String(attempt),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (this.active === 0) process.on('exit', this.killAllOnExit);
    this.active++;
    job.running.set(index, child);

    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    let timedOut = false;
    const timer =
      this.attemptTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, this.attemptTimeoutMs);
    let spawnError: Error | undefined;
    let ended = false;
    const onEnd = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      job.running.delete(index);
      this.active--;
      if (this.active === 0) process.removeListener('exit', this.killAllOnExit);
      if (!job.outcome) this.settleTask(job, index, attempt, { code, signal, timedOut, spawnError, stderr });
      this.pump();
    };
    child.once('error', (err) => {
      spawnError = err;
      // A process that never started emits no 'close' on every Node version; settle it here.
      if (child.pid === undefined) onEnd(null, null);
    });
    child.once('close', onEnd);
  }

  private settleTask(
    job: LocalJob,
    index: number,
    attempt: number,
    end: { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; spawnError?: Error; stderr: string },
  ): void {
    if (end.code === EXIT_OK && !end.timedOut) {
      job.done++;
      if (job.done === job.total) void this.finish(job, { state: 'succeeded' });
      return;
    }
    const why = lastLine(end.stderr) || end.spawnError?.message || (end.signal ? `killed by ${end.signal}` : `exit code ${end.code}`);
    if (end.timedOut) {
      void this.finish(job, {
        state: 'failed',
        code: 'TIMEOUT',
        reason: `task ${index} exceeded ${this.attemptTimeoutMs} ms (attempt ${attempt})`,
      });
    } else if (end.code === EXIT_PERMANENT) {
      void this.finish(job, { state: 'failed', code: 'FAILED', reason: `task ${index} failed permanently: ${why}`, permanent: true });
    } else if (end.spawnError) {
      void this.finish(job, { state: 'failed', code: 'FAILED', reason: `task ${index} could not start: ${why}` });
    } else if (attempt < this.attempts) {
      job.retries.push(index);
    } else {
      void this.finish(job, { state: 'failed', code: 'FAILED', reason: `task ${index} failed after ${attempt} attempts: ${why}` });
    }
  }

  /**
   * Records the outcome and stops the job's other tasks. Unlike AWS Batch (which lets sibling
   * children run on after one fails) a failed local job frees the CPUs at once: the workflow will
   * resubmit the whole job anyway.
   */
  private async finish(job: LocalJob, outcome: RemoteJobState): Promise<void> {
    job.outcome = outcome;
    job.retries = [];
    job.nextIndex = job.total;
    const exits = [...job.running.values()].map((child) => this.terminate(child));
    this.forgetOldJobs();
    await Promise.all(exits);
  }

  private terminate(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), this.killGraceMs);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((job) => job.outcome && job.running.size === 0);
    for (const job of finished.slice(0, Math.max(0, finished.length - this.maxFinishedJobs))) this.jobs.delete(job.id);
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim();
}

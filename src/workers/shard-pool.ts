import { MessageChannel } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import { CancelledFailure, Context } from '@temporalio/activity';
import { Piscina } from 'piscina';
import { CPU_QUEUE_ACTIVITIES } from '../contracts/task-queues';
import type { ShardStageResult, ShardStageTask } from '../pipeline/shard-stage';
import type { ActivityMessage, CpuTask } from './shard-thread';
import { asTypedFailure, fromThreadError, type ThreadOutcome } from './thread-errors';

export type CpuActivityName = Exclude<(typeof CPU_QUEUE_ACTIVITIES)[number], 'processShard'>;

/**
 * Activities the pool runs in its threads when the worker has one: the CPU queue's, but for
 * processShard, which hands the pool its shard stage itself.
 */
export const CPU_ACTIVITIES: readonly CpuActivityName[] = CPU_QUEUE_ACTIVITIES.filter(
  (name): name is CpuActivityName => name !== 'processShard',
);

/**
 * The worker's CPU pool: a piscina pool of threads that clean and score shards and run the
 * CPU-bound activities. In the worker's main thread that work would use one core and delay
 * Temporal's own work (heartbeats, polls, workflow tasks) behind it. piscina replaces a thread that
 * dies (an out-of-memory abort, a native crash) and fails only the task it was running, which
 * Temporal then retries. Tasks carry keys only; each thread reads and writes the store itself.
 * Errors keep their ApplicationFailure type across the thread boundary.
 */
export class ShardThreadPool {
  private pool: Piscina | undefined;
  private closed = false;

  /**
   * `env` makes loadSettings() in each thread describe the same store (see storeEnvironment).
   * Threads start on `start()` or the first task, so processes that never clean a shard never pay for them.
   */
  constructor(
    private readonly env: Record<string, string>,
    readonly size = os.availableParallelism(),
  ) {}

  /**
   * Starts the threads and resolves once each has loaded its modules and answered (with its thread
   * id): a worker that polls the CPU queue will need them, and a thread spends about a second of CPU
   * loading its modules, which would otherwise compete with the first batch's first shards for the
   * cores. A thread whose module cannot load fails this instead of every later task.
   */
  async start(): Promise<number[]> {
    const pool = this.piscina();
    // One ping per thread, sent together: each thread takes one (a thread runs one task at a time).
    const outcomes = (await Promise.all(
      Array.from({ length: Math.max(1, this.size) }, () => pool.run({ kind: 'ping' } satisfies CpuTask)),
    )) as ThreadOutcome<number>[];
    return outcomes.map((outcome) => {
      if (!outcome.ok) throw fromThreadError(outcome.error);
      return outcome.value;
    });
  }

  /** The running piscina pool (tests look at its threads). */
  get threads(): Piscina['threads'] {
    return this.pool?.threads ?? [];
  }

  private piscina(): Piscina {
    if (this.closed) throw new Error('the shard pool is closed');
    this.pool ??= new Piscina({
      filename: path.join(__dirname, 'shard-thread.js'),
      workerData: this.env,
      minThreads: Math.max(1, this.size),
      maxThreads: Math.max(1, this.size),
      // The CPU queue's slots bound the tasks; any beyond the threads wait here for one.
      maxQueue: Infinity,
      idleTimeout: 60_000,
    });
    return this.pool;
  }

  async run(task: ShardStageTask): Promise<ShardStageResult> {
    const outcome = (await this.piscina().run({ kind: 'shard', task } satisfies CpuTask)) as ThreadOutcome<ShardStageResult>;
    if (!outcome.ok) throw fromThreadError(outcome.error);
    return outcome.value;
  }

  /**
   * Runs a CPU activity in a thread, inside the current activity's context: its heartbeats and log
   * lines are relayed to the real context, and cancelling the activity aborts the thread's task.
   */
  async runActivity<T>(name: CpuActivityName, args: unknown[]): Promise<T> {
    const ctx = Context.current();
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: ActivityMessage) => {
      if ('heartbeat' in m) ctx.heartbeat(m.heartbeat);
      else ctx.log[m.log](m.message, m.meta);
    });
    try {
      const task: CpuTask = { kind: 'activity', name, info: ctx.info, args, port: port2 };
      const outcome = (await this.piscina().run(task, { transferList: [port2], signal: ctx.cancellationSignal })) as ThreadOutcome<T>;
      if (!outcome.ok) throw fromThreadError(outcome.error);
      return outcome.value;
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw new CancelledFailure(`${name} cancelled`);
      throw err;
    } finally {
      port1.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.destroy();
  }
}

/**
 * Wraps CPU activities so that, with a pool, each call runs in one of its threads. Without one they
 * run inline, and their permanent errors (bad input, a broken model) are typed as the pool types
 * them: a non-retryable ApplicationFailure, never retried, wherever the activity ran.
 */
export function inCpuPool<A extends Partial<Record<CpuActivityName, (...args: never[]) => Promise<unknown>>>>(
  activities: A,
  pool?: ShardThreadPool,
): A {
  const wrapped: Record<string, unknown> = { ...activities };
  for (const name of CPU_ACTIVITIES) {
    const activity = activities[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (activity === undefined) continue;
    wrapped[name] = pool
      ? (...args: unknown[]) => pool.runActivity(name, args)
      : async (...args: unknown[]) => {
          try {
            return await activity(...args);
          } catch (err) {
            throw asTypedFailure(err);
          }
        };
  }
  return wrapped as A;
}

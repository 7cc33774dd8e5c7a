import os from 'node:os';
import path from 'node:path';
import { Worker as Thread } from 'node:worker_threads';
import type { ShardStageResult, ShardStageTask } from '../pipeline/shard-stage';
import { deserializeShardError, type SerializedShardError } from './shard-error';

interface Pending {
  resolve(result: ShardStageResult): void;
  reject(error: Error): void;
}

/**
 * A fixed set of threads running shard stages. Cleaning is CPU-bound JavaScript: in the worker's
 * main thread it would use one core and delay Temporal's own work (heartbeats, polls) behind it.
 * Tasks carry keys only; each thread reads and writes the store itself.
 */
export class ShardThreadPool {
  private readonly threads: Thread[] = [];
  private readonly idle: Thread[] = [];
  private readonly queue: Array<{ task: ShardStageTask; pending: Pending }> = [];
  private readonly inFlight = new Map<number, Pending>();
  private readonly owner = new Map<Thread, number>();
  private nextId = 0;
  private closed = false;

  /**
   * `env` makes loadSettings() in each thread describe the same store (see storeEnvironment).
   * Threads start on the first task, so processes that never clean a shard never pay for them.
   */
  constructor(
    private readonly env: Record<string, string>,
    private readonly wanted = os.availableParallelism(),
  ) {}

  private start(): void {
    const script = path.join(__dirname, 'shard-thread.js');
    for (let i = 0; i < Math.max(1, this.wanted); i++) {
      const thread = new Thread(script, { workerData: this.env });
      thread.on('message', (message: { id: number; result?: ShardStageResult; error?: SerializedShardError }) =>
        this.settle(thread, message),
      );
      thread.on('error', (err) => this.fail(thread, err));
      thread.unref();
      this.threads.push(thread);
      this.idle.push(thread);
    }
  }

  run(task: ShardStageTask): Promise<ShardStageResult> {
    if (this.closed) return Promise.reject(new Error('the shard pool is closed'));
    if (this.threads.length === 0) this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ task, pending: { resolve, reject } });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { pending } of this.queue.splice(0)) pending.reject(new Error('the shard pool closed'));
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const thread = this.idle.pop() as Thread;
      const { task, pending } = this.queue.shift() as { task: ShardStageTask; pending: Pending };
      const id = this.nextId++;
      this.inFlight.set(id, pending);
      this.owner.set(thread, id);
      thread.postMessage({ id, task });
    }
  }

  private settle(thread: Thread, message: { id: number; result?: ShardStageResult; error?: SerializedShardError }): void {
    const pending = this.inFlight.get(message.id);
    this.inFlight.delete(message.id);
    this.owner.delete(thread);
    this.idle.push(thread);
    if (pending) {
      // Typed failures (bad input, a broken model) stay typed and non-retryable across the thread boundary.
      if (message.error) pending.reject(deserializeShardError(message.error));
      else pending.resolve(message.result as ShardStageResult);
    }
    this.pump();
  }

  private fail(thread: Thread, err: Error): void {
    const id = this.owner.get(thread);
    if (id !== undefined) {
      this.inFlight.get(id)?.reject(err);
      this.inFlight.delete(id);
    }
    // A crashed thread is not reused; the pool shrinks rather than loop on a broken thread.
    this.owner.delete(thread);
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    if (this.threads.length === 0) {
      this.closed = true;
      for (const { pending } of this.queue.splice(0)) pending.reject(err);
    }
  }
}

import os from 'node:os';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, WorkerOptions, type ActivityInterceptorsFactory, type WorkerPlugin } from '@temporalio/worker';
import { createIngestActivities } from '../activities/ingest';
import { createTrainingActivities } from '../activities/training';
import { createDriftActivities } from '../activities/drift';
import { CPU_QUEUE_ACTIVITIES, cpuTaskQueue, WORKER_QUEUE_KINDS, type WorkerQueueKind } from '../contracts/task-queues';
import { createLakeActivities } from '../activities/lake';
import { createReportActivities } from '../activities/reports';
import { createTelemetryActivities } from '../activities/telemetry';
import type { PipelineDependencies } from './dependencies';
import { inCpuPool } from './shard-pool';

export interface PipelineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** The workflows' queue; CPU-bound activities use cpuTaskQueue(taskQueue). */
  taskQueue: string;
  deps: PipelineDependencies;
  /** The payload codec (src/codec) the clients use too: the worker decrypts inputs and encrypts results with it. */
  dataConverter: DataConverter;
  /** A prebuilt bundle (tests, replay, the container image) saves the seconds webpack needs per worker start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Which queues this process polls (default both): scale CPU workers apart from orchestration. */
  queues?: readonly WorkerQueueKind[];
  /** Activities at once on the workflows queue (light I/O). */
  maxConcurrentActivities?: number;
  /** Activities at once on the CPU queue: the CPU pool's threads (default: the cores). */
  cpuSlots?: number;
  /**
   * The build id this worker declares (its deployment version). With `versioning`, workflow tasks
   * are routed by version and workflows are pinned to the build they started on: workers of a new
   * build never pick up a run an old build started (docs/scaling.md, rolling deploys).
   */
  buildId?: string;
  versioning?: { deploymentName: string };
  /** e.g. tracing (src/telemetry/tracing.ts). */
  plugins?: WorkerPlugin[];
  /** Extra workflow interceptor modules (bundled with the workflows). */
  workflowModules?: string[];
  /** Activity interceptors, on both queues' workers (tests lose a completion with one). */
  activityInterceptors?: ActivityInterceptorsFactory[];
  /** The worker's identity as the server lists it among a task queue's pollers (default: the SDK's pid@host). */
  identity?: string;
}

/** The workers of one process, run and stopped together. */
export interface PipelineWorker {
  readonly workers: Worker[];
  run(): Promise<void>;
  shutdown(): void;
  getState(): ReturnType<Worker['getState']>;
  /**
   * Lets go of workers that were created but never run, so their connection can close: a process
   * that fails before `run()` then reports its own error (a created worker holds its connection
   * until it has run and shut down).
   */
  release(): Promise<void>;
}

async function releaseUnstarted(workers: readonly Worker[]): Promise<void> {
  for (const w of workers) if (w.getState() === 'INITIALIZED') await w.runUntil(Promise.resolve());
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

/**
 * A process's workers: one on the workflows queue (workflows and light I/O activities) and one on
 * the CPU queue (cleaning and scoring, fits, tuning folds, baselines, evaluation), whose slots
 * match the CPU pool's threads. `queues` picks one or both.
 */
export async function createPipelineWorker(options: PipelineWorkerOptions): Promise<PipelineWorker> {
  const { deps } = options;
  const queues = new Set(options.queues ?? WORKER_QUEUE_KINDS);
  const all: Record<string, unknown> = {
    ...createIngestActivities(deps),
    ...inCpuPool(createTrainingActivities(deps), deps.shardPool),
    ...inCpuPool(createDriftActivities(deps), deps.shardPool),
    // Light I/O on the workflows queue: Parquet conversion runs in DuckDB's own threads (the event
    // loop only awaits it), a report renders a few small JSON documents, alarm metrics are one call.
    ...createLakeActivities(deps.store),
    ...createReportActivities(deps),
    ...createTelemetryActivities(deps),
  };
  const ingestCpu = {
    resolveBaseline: all.resolveBaseline,
    summarizeShardRange: all.summarizeShardRange,
    summarizeRemoteShards: all.summarizeRemoteShards,
  };
  Object.assign(all, inCpuPool(ingestCpu as never, deps.shardPool));
  const workflowModules = options.workflowModules ?? [];
  const cpuNames = new Set<string>(CPU_QUEUE_ACTIVITIES);
  const pick = (cpu: boolean) => Object.fromEntries(Object.entries(all).filter(([name]) => cpuNames.has(name) === cpu));
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    dataConverter: options.dataConverter,
    // Tracing's plugin traces activities on both queues and workflows on the workflows queue.
    ...(options.plugins && options.plugins.length > 0 && { plugins: options.plugins }),
    ...(options.identity && { identity: options.identity }),
    ...(options.buildId && {
      workerDeploymentOptions: options.versioning
        ? {
            version: { deploymentName: options.versioning.deploymentName, buildId: options.buildId },
            useWorkerVersioning: true as const,
            defaultVersioningBehavior: 'PINNED' as const,
          }
        : { version: { deploymentName: options.taskQueue, buildId: options.buildId }, useWorkerVersioning: false as const },
    }),
  };
  const workers: Worker[] = [];
  try {
    if (queues.has('workflows')) {
      workers.push(
        await Worker.create({
          ...common,
          taskQueue: options.taskQueue,
          ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: workflowsPath() }),
          activities: pick(false),
          maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 16,
          interceptors: { workflowModules, activity: options.activityInterceptors ?? [] },
        }),
      );
    }
    if (queues.has('cpu')) {
      // The threads load while the worker is created; it polls only once they can take a task.
      const threadsReady = deps.shardPool?.start();
      threadsReady?.catch(() => undefined); // awaited below; Worker.create may throw first
      workers.push(
        await Worker.create({
          ...common,
          taskQueue: cpuTaskQueue(options.taskQueue),
          activities: pick(true),
          interceptors: { activity: options.activityInterceptors ?? [] },
          maxConcurrentActivityTaskExecutions: options.cpuSlots ?? deps.shardPool?.size ?? os.availableParallelism(),
        }),
      );
      await threadsReady;
    }
  } catch (err) {
    // The first queue's worker may exist already: let it go, then report what failed.
    await releaseUnstarted(workers);
    throw err;
  }
  return {
    workers,
    run: async () => {
      // One worker failing stops the others, so the process exits instead of serving half the queues.
      await Promise.all(
        workers.map((w) =>
          w.run().catch((err) => {
            for (const other of workers) if (other !== w && other.getState() === 'RUNNING') other.shutdown();
            throw err;
          }),
        ),
      );
    },
    getState: () => workers[0]?.getState() ?? 'STOPPED',
    shutdown: () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
    release: () => releaseUnstarted(workers),
  };
}

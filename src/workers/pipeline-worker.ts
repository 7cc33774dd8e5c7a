import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, WorkerOptions, type WorkerPlugin } from '@temporalio/worker';
import { createIngestActivities } from '../activities/ingest';
import { createTrainingActivities } from '../activities/training';
import { createDriftActivities } from '../activities/drift';
import { createLakeActivities } from '../activities/lake';
import { createReportActivities } from '../activities/reports';
import { createTelemetryActivities } from '../activities/telemetry';
import type { PipelineDependencies } from './dependencies';

export interface PipelineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: PipelineDependencies;
  /** The payload codec (src/codec) the clients use too: the worker decrypts inputs and encrypts results with it. */
  dataConverter: DataConverter;
  /** A prebuilt bundle (tests, replay) saves the few seconds webpack needs per worker start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivities?: number;
  /** e.g. tracing (src/telemetry/tracing.ts). */
  plugins?: WorkerPlugin[];
  /** Extra workflow interceptor modules (bundled with the workflows). */
  workflowModules?: string[];
  /** The worker's identity as the server lists it among a task queue's pollers (default: the SDK's pid@host). */
  identity?: string;
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

/** One worker serves every workflow and activity of the pipeline on one task queue. */
export function createPipelineWorker(options: PipelineWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: options.dataConverter,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: {
      ...createIngestActivities(options.deps),
      ...createTrainingActivities(options.deps),
      ...createDriftActivities(options.deps),
      ...createLakeActivities(options.deps.store),
      ...createReportActivities(options.deps),
      ...createTelemetryActivities(options.deps),
    },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 8,
    ...(options.plugins && options.plugins.length > 0 && { plugins: options.plugins }),
    ...(options.workflowModules && options.workflowModules.length > 0 && { interceptors: { workflowModules: options.workflowModules } }),
    ...(options.identity !== undefined && { identity: options.identity }),
  });
}

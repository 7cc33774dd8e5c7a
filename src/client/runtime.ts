import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { Settings } from '../config/settings';
import { allSearchAttributes } from '../contracts/search-attributes';
import { connectClient, connectWorker } from '../temporal/connection';
import { isListening, isLoopbackAddress, RunningDevServer, startDevServer } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { venvBin } from '../util/repo-root';
import { buildDependencies, PipelineDependencies } from '../workers/dependencies';
import { createPipelineWorker } from '../workers/pipeline-worker';
import { UserError } from './user-error';

export interface PipelineRuntime {
  client: Client;
  settings: Settings;
  deps: PipelineDependencies;
  uiUrl: string;
  /** What this process started for its own duration (and stops in `close`). */
  started: { server: boolean; worker: boolean };
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Start an in-process worker when no worker polls the task queue. */
  worker: boolean;
  log: (line: string) => void;
  /** Run a worker in this process even when another one polls (`up`, `demo`). */
  forceWorker?: boolean;
}

/**
 * Connects to the configured Temporal server. When none answers at a loopback address, starts an
 * embedded dev server (SQLite in the data folder, UI included) for this process's duration, so a
 * single command works on a bare machine; users with a cluster or Temporal Cloud just point
 * TEMPORAL_ADDRESS there.
 */
export async function openRuntime(settings: Settings, options: RuntimeOptions): Promise<PipelineRuntime> {
  const t = settings.temporal;
  let server: RunningDevServer | undefined;
  if (!(await isListening(t.address))) {
    if (!t.embedded || !isLoopbackAddress(t.address)) {
      throw new UserError(`no Temporal server answers at ${t.address}; start one or set TEMPORAL_ADDRESS`);
    }
    options.log(`starting an embedded Temporal dev server at ${t.address} (UI on port ${t.uiPort})`);
    server = await startDevServer({
      binary: venvBin('temporal'),
      address: t.address,
      namespace: t.namespace,
      uiPort: t.uiPort,
      dbFile: path.join(settings.dataDir, 'temporal.db'),
      logFile: path.join(settings.dataDir, 'logs', 'temporal-server.log'),
      searchAttributes: allSearchAttributes,
    });
  }
  const client = await connectClient(t);
  await ensureSearchAttributes(client.connection as Connection, t.namespace);
  const deps = { ...buildDependencies(settings, options.log), client };

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  if (options.worker && (options.forceWorker || !(await hasPollers(client, t.taskQueue)))) {
    const connection = await connectWorker(t);
    worker = await createPipelineWorker({ connection, namespace: t.namespace, taskQueue: t.taskQueue, deps });
    workerRun = worker.run().finally(() => connection.close());
  }

  return {
    client,
    settings,
    deps,
    uiUrl: t.uiUrl,
    started: { server: server !== undefined, worker: worker !== undefined },
    async close() {
      if (worker && workerRun) {
        worker.shutdown();
        await workerRun;
      }
      await client.connection.close();
      await server?.stop();
    },
  };
}

async function hasPollers(client: Client, taskQueue: string): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
  });
  return (response.pollers ?? []).length > 0;
}

export function workflowUrl(runtime: PipelineRuntime, workflowId: string): string {
  return `${runtime.uiUrl}/namespaces/${encodeURIComponent(runtime.settings.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

import { hostname } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { codecDataConverter, createPayloadCodec, resolveCodecServerToken, type AesGcmPayloadCodec } from '../codec';
import { startCodecServer, type RunningCodecServer } from '../codec/codec-server';
import { Settings } from '../config/settings';
import { allSearchAttributes } from '../contracts/search-attributes';
import { addLogSecret } from '../logging/secrets';
import { connectClient, connectWorker } from '../temporal/connection';
import { isListening, isLoopbackAddress, RunningDevServer, startDevServer } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { venvBin } from '../util/repo-root';
import { closeRunners } from '../activities/ingest/remote-stages';
import { buildDependencies, PipelineDependencies } from '../workers/dependencies';
import { createPipelineWorker, type PipelineWorker } from '../workers/pipeline-worker';
import { createTracing, type Tracing } from '../telemetry/tracing';
import { UserError } from './user-error';

export interface PipelineRuntime {
  client: Client;
  settings: Settings;
  deps: PipelineDependencies;
  /** The payload codec and the data converter built on it (client, worker, replay). */
  codec: AesGcmPayloadCodec;
  dataConverter: DataConverter;
  uiUrl: string;
  /** The codec server the UI decodes payloads with, when this process started one. */
  codecServer?: RunningCodecServer;
  /** What this process started for its own duration (and stops in `close`). */
  started: { server: boolean; worker: boolean; codecServer: boolean };
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Start an in-process worker when no worker polls the task queue. */
  worker: boolean;
  log: (line: string) => void;
  /** Run a worker in this process even when another one polls (`up`, `demo`). */
  forceWorker?: boolean;
  /**
   * Serve the codec server (settings.codec.server) for the UI, and point the embedded server's UI
   * at it (`--ui-codec-endpoint`) (`up`, `demo`).
   */
  codecServer?: boolean;
}

/**
 * Connects to the configured Temporal server. When none answers at a loopback address, starts an
 * embedded dev server (SQLite in the data folder, UI included) for this process's duration, so a
 * single command works on a bare machine; users with a cluster or Temporal Cloud just point
 * TEMPORAL_ADDRESS there.
 */
export async function openRuntime(settings: Settings, options: RuntimeOptions): Promise<PipelineRuntime> {
  const t = settings.temporal;
  addLogSecret(t.apiKey);
  const codec = await createPayloadCodec(settings, options.log);
  const dataConverter = codecDataConverter(codec);
  const codecServer = options.codecServer ? await serveCodec(settings, codec, options.log) : undefined;
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
      ...(codecServer && { codecEndpoint: settings.codec.server.url }),
    });
  }
  const client = await connectClient(t, dataConverter);
  await ensureSearchAttributes(client.connection as Connection, t.namespace);
  const deps = { ...buildDependencies(settings, options.log), client };

  let worker: PipelineWorker | undefined;
  let workerRun: Promise<void> | undefined;
  let tracing: Tracing | undefined;
  if (options.worker && (options.forceWorker || !(await hasLiveWorker(client, t.taskQueue)))) {
    const connection = await connectWorker(t);
    tracing = createTracing(settings);
    const plugins = tracing ? [tracing.plugin] : [];
    worker = await createPipelineWorker({
      connection,
      namespace: t.namespace,
      taskQueue: t.taskQueue,
      deps,
      dataConverter,
      plugins,
      workflowModules: tracing?.workflowModules,
      // A worker hosted for one command ends with it: marked so that the next command does not take it for a running one.
      ...(!options.forceWorker && { identity: `${EPHEMERAL_WORKER_IDENTITY}-${process.pid}@${hostname()}` }),
    });
    workerRun = worker.run().finally(() => connection.close());
  }

  return {
    client,
    settings,
    deps,
    codec,
    dataConverter,
    uiUrl: t.uiUrl,
    codecServer,
    started: { server: server !== undefined, worker: worker !== undefined, codecServer: codecServer !== undefined },
    async close() {
      if (worker && workerRun) {
        worker.shutdown();
        await workerRun;
      }
      await tracing?.shutdown();
      await closeRunners(deps.runners);
      await client.connection.close();
      await server?.stop();
      await codecServer?.close();
    },
  };
}

/**
 * Starts the codec server for the UI. A port already taken (another `up`) is not fatal: the UI
 * then uses that server, or shows encrypted payloads. The token itself is never printed: the line
 * names the file or variable it comes from.
 */
async function serveCodec(
  settings: Settings,
  codec: AesGcmPayloadCodec,
  log: (line: string) => void,
): Promise<RunningCodecServer | undefined> {
  const { host, port, url, corsOrigins } = settings.codec.server;
  const { token, source } = await resolveCodecServerToken(settings, log);
  try {
    const server = await startCodecServer({ codec, token, corsOrigins, host, port });
    log(
      `codec server ${url} for the Temporal UI (${corsOrigins.join(', ')}); sign in at ${url}/login with the token from ${source} (see docs/encryption.md)`,
    );
    return server;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    log(`codec server: port ${port} is in use, not starting one (set CODEC_SERVER_PORT to change it)`);
    return undefined;
  }
}

/** Identity prefix of the workers a command hosts for its own duration. */
export const EPHEMERAL_WORKER_IDENTITY = 'nlp-batch-command';
/** A live worker polls again at least this often (long polls last about a minute). */
const LIVE_POLLER_MS = 90_000;

/**
 * Whether a worker that outlives this command polls the task queue. The server keeps listing a
 * poller for minutes after its process ended, so workers hosted by earlier commands (they carry
 * EPHEMERAL_WORKER_IDENTITY) and pollers not seen for LIVE_POLLER_MS do not count: otherwise a
 * second `nlp-batch train` right after a first one would wait for a worker that is gone.
 */
async function hasLiveWorker(client: Client, taskQueue: string): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
  });
  const now = Date.now();
  return (response.pollers ?? []).some((p) => {
    if ((p.identity ?? '').startsWith(EPHEMERAL_WORKER_IDENTITY)) return false;
    const seen = p.lastAccessTime ? Number(p.lastAccessTime.seconds ?? 0) * 1000 + Math.floor((p.lastAccessTime.nanos ?? 0) / 1e6) : 0;
    return now - seen < LIVE_POLLER_MS;
  });
}

export function workflowUrl(runtime: PipelineRuntime, workflowId: string): string {
  return `${runtime.uiUrl}/namespaces/${encodeURIComponent(runtime.settings.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

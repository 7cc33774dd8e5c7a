import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
export { freePort } from '../../src/util/free-port';

/**
 * A long-running child process of the chaos harness (dev server, worker): its output goes to a log
 * file and a short in-memory tail, and it can be killed with any signal. Every child still alive
 * when the harness exits is SIGKILLed, so an interrupted run leaves no server holding its ports.
 */
export class Child {
  private readonly process: ChildProcess;
  private readonly log: WriteStream;
  private tail = '';
  private readonly lineWatchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    logFile: string,
  ) {
    mkdirSync(path.dirname(logFile), { recursive: true });
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.process = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      this.log.write(chunk);
      this.tail = (this.tail + chunk.toString('utf8')).slice(-20_000);
      for (const watcher of [...this.lineWatchers]) {
        if (watcher.pattern.test(this.tail)) {
          this.lineWatchers.splice(this.lineWatchers.indexOf(watcher), 1);
          watcher.resolve();
        }
      }
    };
    this.process.stdout?.on('data', collect);
    this.process.stderr?.on('data', collect);
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        live.delete(this);
        this.log.end();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The last lines of output, for error messages. */
  outputTail(chars = 2000): string {
    return this.tail.slice(-chars);
  }

  /** Resolves once the output matches `pattern`; rejects if the process exits first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    if (pattern.test(this.tail)) return;
    let timer: NodeJS.Timeout | undefined;
    const seen = new Promise<void>((resolve) => this.lineWatchers.push({ pattern, resolve }));
    const failed = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.outputTail()}`)), timeoutMs);
      void this.exited.then(({ code, signal }) =>
        reject(new Error(`${this.name} exited (${code ?? signal}) before ${pattern}:\n${this.outputTail()}`)),
      );
    });
    failed.catch(() => undefined); // it may settle after the race is over
    try {
      await Promise.race([seen, failed]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL: no shutdown hook runs, exactly what a crashed host or an OOM kill does. */
  async kill(): Promise<void> {
    if (this.running) this.process.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** For the exit hook only. */
  killNow(): void {
    if (this.running) this.process.kill('SIGKILL');
  }
}

const live = new Set<Child>();
process.once('exit', () => {
  for (const child of live) child.killNow();
});

/** Runs a command to completion and returns its output (the CLI: ingest, export, train). */
export function runToCompletion(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 10 * 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-20_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

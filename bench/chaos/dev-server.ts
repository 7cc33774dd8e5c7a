import path from 'node:path';
import { Connection } from '@temporalio/client';
import { allSearchAttributes } from '../../src/contracts/search-attributes';
import { searchAttributeArgs } from '../../src/temporal/dev-server';
import { venvBin } from '../../src/util/repo-root';
import { Child, freePort, sleep } from './child';

/**
 * `temporal server start-dev` from the project venv with a SQLite file, headless, on a free port.
 * It can be SIGKILLed and restarted on the same database file and port, which is what a host
 * crash and a supervisor restarting the server look like to workers and clients.
 */
export class ChaosDevServer {
  private child: Child | undefined;
  private starts = 0;

  private constructor(
    readonly address: string,
    readonly dbFile: string,
    private readonly logDir: string,
  ) {}

  static async start(dir: string): Promise<ChaosDevServer> {
    const port = await freePort();
    const server = new ChaosDevServer(`127.0.0.1:${port}`, path.join(dir, 'temporal.db'), dir);
    await server.launch();
    return server;
  }

  private async launch(): Promise<void> {
    const port = this.address.split(':')[1];
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', port, '--db-filename', this.dbFile, '--headless'];
    args.push('--log-level', 'warn', '--namespace', 'default');
    // Updates and update-with-start (adding files to a batch) are on, as on a production cluster.
    args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
    args.push('--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true');
    args.push(...searchAttributeArgs(allSearchAttributes));
    this.starts++;
    const child = new Child(
      `temporal server #${this.starts}`,
      venvBin('temporal'),
      args,
      process.env,
      path.join(this.logDir, 'temporal.log'),
    );
    this.child = child;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (!child.running) throw new Error(`temporal server exited while starting:\n${child.outputTail()}`);
      try {
        const connection = await Connection.connect({ address: this.address, connectTimeout: '1s' });
        try {
          await connection.workflowService.getSystemInfo({});
          return;
        } finally {
          await connection.close();
        }
      } catch {
        if (Date.now() > deadline) throw new Error(`temporal server not ready within 60 s:\n${child.outputTail()}`);
        await sleep(200);
      }
    }
  }

  /** SIGKILL: no graceful shutdown, the SQLite file is left as a crash leaves it. */
  async kill(): Promise<void> {
    await this.child?.kill();
  }

  /** A new process on the same database file and port. */
  async restart(): Promise<void> {
    if (this.child?.running) throw new Error('restart: the server is still running');
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.child?.stop(10_000);
  }
}

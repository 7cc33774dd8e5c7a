import path from 'node:path';
import { repoRoot } from '../../src/util/repo-root';
import { Child } from './child';

/** The standalone worker entry the Docker image and the ECS service run. */
export const WORKER_ENTRY = path.join(repoRoot(), 'dist', 'src', 'workers', 'main.js');

/**
 * One standalone worker process (`node dist/src/workers/main.js`) configured only through its
 * environment, as in production. Ready once it logs that it polls.
 */
export class WorkerProcess {
  private child: Child | undefined;
  private generation = 0;

  constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {}

  /**
   * Starts the process and waits until it polls. A process that exits before polling (it could
   * not set up, e.g. under heavy load) is started again, up to twice, as the container's
   * supervisor (ECS) restarts a failed task; `failedStarts` keeps the count.
   */
  async start(): Promise<void> {
    if (this.child?.running) throw new Error(`${this.name} is already running`);
    for (let attempt = 1; ; attempt++) {
      this.generation++;
      this.child = new Child(`${this.name} #${this.generation}`, process.execPath, [WORKER_ENTRY], this.env, this.logFile);
      try {
        await this.child.waitForOutput(/"msg":"worker polling"/, 120_000);
        return;
      } catch (err) {
        if (this.child.running || attempt >= 3) throw err;
        this.failedStarts.push((err as Error).message.slice(0, 500));
      }
    }
  }

  /** Why earlier processes exited before polling (restarted by start()). */
  readonly failedStarts: string[] = [];

  get running(): boolean {
    return this.child?.running ?? false;
  }

  get starts(): number {
    return this.generation;
  }

  async kill(): Promise<void> {
    await this.child?.kill();
  }

  async stop(): Promise<void> {
    await this.child?.stop();
  }
}

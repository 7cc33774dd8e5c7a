import type { Command } from 'commander';
import pino from 'pino';
import { WORKER_QUEUE_KINDS, type WorkerQueueKind } from '../../contracts/task-queues';
import { installRuntimeLogger } from '../../logging';
import { runWorkerProcess } from '../../workers/worker-process';
import { UserError } from '../user-error';
import type { CliContext } from './context';
import { examples } from './examples';

function parseQueues(value: string): WorkerQueueKind[] {
  const queues = value.split(',').map((q) => q.trim());
  for (const q of queues) {
    if (!(WORKER_QUEUE_KINDS as readonly string[]).includes(q))
      throw new UserError(`--queues: "${q}" is not one of ${WORKER_QUEUE_KINDS.join(', ')}`);
  }
  return queues as WorkerQueueKind[];
}

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description(
      'run a worker against the configured Temporal server (never starts one), until SIGINT/SIGTERM: run more of them to scale out',
    )
    .option('--queues <list>', `queues to poll, comma-separated: ${WORKER_QUEUE_KINDS.join(', ')} (default: WORKER_QUEUES, both)`)
    .option('--cpu-slots <n>', 'CPU-bound activities at once (default: WORKER_CPU_SLOTS, the cores)')
    .addHelpText(
      'after',
      examples([
        'nlp-batch worker',
        'nlp-batch worker --queues cpu --cpu-slots 8    # a scoring-only machine',
        'nlp-batch worker --queues workflows            # orchestration and light I/O only',
      ]),
    )
    .action(async (opts: { queues?: string; cpuSlots?: string }) => {
      const settings = ctx.settings();
      const cpuSlots = opts.cpuSlots === undefined ? undefined : Number(opts.cpuSlots);
      if (cpuSlots !== undefined && !(Number.isInteger(cpuSlots) && cpuSlots > 0)) throw new UserError('--cpu-slots: a positive integer');
      const logger = installRuntimeLogger({
        level: settings.logLevel,
        destination: pino.destination({ fd: 1, sync: true }),
        metricsAddress: settings.telemetry.metricsAddress,
      });
      await runWorkerProcess(settings, logger, { queues: opts.queues ? parseQueues(opts.queues) : undefined, cpuSlots });
      logger.info('worker stopped');
    });
}

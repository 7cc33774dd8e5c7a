import type { Command } from 'commander';
import { ensureClosedRunWatchSchedule } from '../../telemetry/closed-run-schedule';
import { openRuntime } from '../runtime';
import type { CliContext } from './context';
import { untilInterrupted } from '../until-interrupted';

export function registerUp(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('run the Temporal server (if none answers), a worker and the UI in the foreground until Ctrl-C')
    .action(async () => {
      const runtime = await openRuntime(ctx.settings(), { worker: true, forceWorker: true, codecServer: true, log: ctx.log });
      await ensureClosedRunWatchSchedule(runtime.client, runtime.settings.temporal.taskQueue);
      ctx.log(`worker polling "${runtime.settings.temporal.taskQueue}"; Temporal UI: ${runtime.uiUrl}`);
      ctx.log('press Ctrl-C to stop');
      await untilInterrupted();
      ctx.log('stopping…');
      await runtime.close();
    });
}

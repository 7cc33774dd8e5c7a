import type { Command } from 'commander';
import { ensureClosedRunWatchSchedule } from '../../telemetry/closed-run-schedule';
import { openRuntime } from '../runtime';
import type { CliContext } from './context';
import { examples } from './examples';
import { untilInterrupted } from '../until-interrupted';

export function registerUp(program: Command, ctx: CliContext): void {
  program
    .command('up')
    .description('run the Temporal server (if none answers), a worker and the UI in the foreground until Ctrl-C')
    .addHelpText(
      'after',
      examples(['nlp-batch up', 'TEMPORAL_ADDRESS=127.0.0.1:7300 TEMPORAL_UI_PORT=8300 nlp-batch up   # when 7233/8233 are taken']),
    )
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

import type { Command } from 'commander';
import { DEFAULT_TRAINING_PREFIX } from '../../contracts/continuous-training';
import { openRuntime } from '../runtime';
import { changeTrainingSchedule, describeTrainingSchedule, scheduleSpec, upsertTrainingSchedule } from '../training-schedule';
import { UserError } from '../user-error';
import { checkModelName } from '../validate';
import type { CliContext } from './context';
import { examples } from './examples';

const ACTIONS = ['pause', 'unpause', 'delete', 'show'] as const;

export function registerSchedule(program: Command, ctx: CliContext): void {
  const schedule = program
    .command('schedule')
    .description('Temporal Schedules that run pipeline workflows periodically')
    .addHelpText('after', examples(['nlp-batch schedule training --every 24h', 'nlp-batch schedule drift --every 6h --model spam']));
  schedule
    .command('training')
    .description(
      'create or update (idempotently) the retraining schedule of a model, or pause | unpause | delete | show it; ' +
        'each fire retrains on the staged labelled rows and promotes only a better model',
    )
    .addHelpText(
      'after',
      examples([
        'nlp-batch schedule training --every 24h --model spam',
        'nlp-batch schedule training --cron "0 3 * * *" --tune',
        'nlp-batch schedule training pause --note "holiday freeze"',
        'nlp-batch schedule training show',
      ]),
    )
    .argument('[action]', `one of ${ACTIONS.join(', ')}; omit to create or update`)
    .option('--every <duration>', 'interval, e.g. 24h, 30m, 7d')
    .option('--cron <expression>', 'cron expression, e.g. "0 3 * * *" (UTC)')
    .option('--model <name>', 'model name (default: MODEL_NAME)')
    .option('--prefix <prefix>', 'store prefix each run trains on', DEFAULT_TRAINING_PREFIX)
    .option('--tune', 'run the hyperparameter search in every scheduled run')
    .option('--note <text>', 'note recorded with pause / unpause')
    .option('--json', 'print the result as one JSON object')
    .action(async (action: string | undefined, opts) => {
      if (action !== undefined && !(ACTIONS as readonly string[]).includes(action))
        throw new UserError(`unknown action ${JSON.stringify(action)}: use ${ACTIONS.join(', ')}`);
      if (action === undefined) scheduleSpec(opts); // a usage mistake is reported before connecting
      const settings = ctx.settings();
      const modelName = checkModelName(opts.model ?? settings.pipeline.modelName);
      const runtime = await openRuntime(settings, { worker: false, log: ctx.log });
      try {
        if (action === undefined) {
          const { scheduleId, created } = await upsertTrainingSchedule(runtime.client, settings, {
            modelName,
            every: opts.every,
            cron: opts.cron,
            prefix: opts.prefix,
            tune: Boolean(opts.tune),
          });
          const when = opts.every ? `every ${opts.every}` : `cron "${opts.cron}"`;
          if (opts.json)
            ctx.out(
              JSON.stringify({ scheduleId, created, spec: opts.every ? { every: opts.every } : { cron: opts.cron }, prefix: opts.prefix }),
            );
          else ctx.out(`${created ? 'created' : 'updated'} schedule ${scheduleId}: retrain ${modelName} on ${opts.prefix} ${when}`);
        } else if (action === 'show') {
          const description = await describeTrainingSchedule(runtime.client, modelName);
          if (!description) throw new UserError(`no training schedule for ${modelName}`);
          const view = {
            scheduleId: description.scheduleId,
            paused: description.state.paused,
            note: description.state.note ?? null,
            // The server stores cron expressions as calendar specs.
            spec: { intervals: description.spec.intervals ?? [], calendars: description.spec.calendars ?? [] },
            overlap: description.policies.overlap,
            nextActionTimes: description.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
            recentActions: description.info.recentActions.map((a) => ({
              at: a.takenAt.toISOString(),
              workflowId: a.action.workflow.workflowId,
            })),
          };
          ctx.out(JSON.stringify(view, null, opts.json ? undefined : 2));
        } else {
          const scheduleId = await changeTrainingSchedule(runtime.client, modelName, action as 'pause' | 'unpause' | 'delete', opts.note);
          if (opts.json) ctx.out(JSON.stringify({ scheduleId, action }));
          else ctx.out(`${action === 'delete' ? 'deleted' : `${action}d`} schedule ${scheduleId}`);
        }
      } finally {
        await runtime.close();
      }
    });
}

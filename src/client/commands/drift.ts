import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleSpec } from '@temporalio/client';
import type { Command } from 'commander';
import { driftCorrectionInput, signalDriftCheck } from '../../activities/drift/request-drift-check';
import type { Settings } from '../../config/settings';
import {
  DEFAULT_DRIFT_WINDOW,
  driftScheduleId,
  MAX_DRIFT_WINDOW,
  SCHEDULED_DRIFT_CHECK_WORKFLOW,
  type DriftCorrectionResultV1,
  type ScheduledDriftCheckInputV1,
} from '../../contracts/drift-correction';
import { searchAttributes } from '../../contracts/search-attributes';
import type { AssessedStatisticV1 } from '../../drift/policy';
import { driftProgress, waitWithPhases } from '../progress';
import { openRuntime, workflowUrl } from '../runtime';
import { UserError } from '../user-error';
import { checkModelName } from '../validate';
import type { CliContext } from './context';
import { examples } from './examples';

function parseWindow(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_DRIFT_WINDOW)
    throw new UserError(`--window ${JSON.stringify(value)}: expected an integer from 1 to ${MAX_DRIFT_WINDOW}`);
  return n;
}

/** One statistic as the command prints it: its figures, thresholds and status, without the bins. */
export function statisticSummary(s: AssessedStatisticV1): Record<string, unknown> {
  const common = { name: s.name, kind: s.kind, status: s.status, thresholds: s.thresholds };
  if (s.kind === 'distribution') {
    return { ...common, psi: s.psi, jsDistance: s.jsDistance, chiSquare: s.chiSquare, baselineN: s.baselineN, windowN: s.windowN };
  }
  if (s.kind === 'rate') return { ...common, baseline: s.baseline, window: s.window, change: s.change };
  return { ...common, reference: s.reference, window: s.window, drop: s.drop, labelled: s.labelled, referenceSource: s.referenceSource };
}

export function driftOutput(result: DriftCorrectionResultV1) {
  return {
    workflowId: result.workflowId,
    runId: result.runId,
    modelName: result.modelName,
    modelVersion: result.modelVersion,
    decision: result.decision,
    reasons: result.reasons,
    statistics: result.statistics.map(statisticSummary),
    actions: result.actions.map((a) =>
      a.type === 'retrain' || a.type === 'tune' ? { type: a.type, workflowId: a.workflowId, runId: a.runId } : a,
    ),
    reportKey: result.reportKey,
    window: result.window,
  };
}

const DURATION = /^[1-9][0-9]*(s|m|h|d)$/;

function driftScheduleSpec(every: string | undefined, cron: string | undefined): ScheduleSpec {
  if ((every === undefined) === (cron === undefined))
    throw new UserError('give exactly one of --every <duration> and --cron "<expression>"');
  if (every !== undefined) {
    if (!DURATION.test(every)) throw new UserError(`--every ${JSON.stringify(every)}: expected a number and a unit (s, m, h, d), e.g. 6h`);
    return { intervals: [{ every: every as `${number}${'s' | 'm' | 'h' | 'd'}` }] };
  }
  return { cronExpressions: [(cron as string).trim()] };
}

/**
 * Creates (or updates in place) the Schedule that checks a model for drift. Each fire runs
 * scheduledDriftCheck, which hands its request to `drift-<model>`; SKIP because a fire takes a
 * second and `drift-<model>` already coalesces requests that arrive during a check.
 */
export async function upsertDriftSchedule(
  client: Client,
  settings: Settings,
  options: { modelName: string; every?: string; cron?: string; window: number },
): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = driftScheduleId(options.modelName);
  const spec = driftScheduleSpec(options.every, options.cron);
  const input: ScheduledDriftCheckInputV1 = {
    version: 1,
    scheduleId,
    check: driftCorrectionInput({
      modelName: options.modelName,
      trigger: 'schedule',
      reason: 'scheduled drift check',
      window: options.window,
    }),
  };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: SCHEDULED_DRIFT_CHECK_WORKFLOW,
    taskQueue: settings.temporal.taskQueue,
    workflowId: scheduleId,
    args: [input],
    typedSearchAttributes: [
      { key: searchAttributes.modelName, value: options.modelName },
      { key: searchAttributes.pipelineStage, value: 'drift-scheduled' },
    ],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, pauseOnFailure: false };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies, state: { note: `drift check of ${options.modelName}` } });
    return { scheduleId, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule
    .getHandle(scheduleId)
    .update((previous) => ({ spec, action, policies, state: { paused: previous.state.paused, note: previous.state.note } }));
  return { scheduleId, created: false };
}

function printHuman(ctx: CliContext, result: DriftCorrectionResultV1): void {
  ctx.out(
    `${result.modelName}@${result.modelVersion ?? '-'}: ${result.decision} (${result.window.batches.length} batches, ${result.window.documents} documents)`,
  );
  for (const s of result.statistics) ctx.out(`  ${s.status.padEnd(17)} ${s.note}`);
  for (const reason of result.reasons) ctx.out(`  - ${reason}`);
  for (const a of result.actions) {
    if (a.type === 'alert') ctx.out(`  alert: ${a.event}`);
    else if (a.type === 'suppressed') ctx.out(`  retraining suppressed by the cooldown until ${a.until}`);
    else ctx.out(`  ${a.type}: started ${a.workflowId} (run ${a.runId})`);
  }
  ctx.out(`  report: ${result.reportKey}`);
}

export function registerDrift(program: Command, ctx: CliContext): void {
  program
    .command('drift')
    .description('compare the recent batches of a model with its training baseline; alert, retrain or tune (driftCorrection)')
    .addHelpText('after', examples(['nlp-batch drift', 'nlp-batch drift --model spam --window 10 --json']))
    .option('--model <name>', 'model name (default: MODEL_NAME)')
    .option('--window <n>', `recent batches to compare (default ${DEFAULT_DRIFT_WINDOW})`, parseWindow)
    .option('--json', 'print {workflowId, decision, statistics, actions, ...} as one JSON object')
    .action(async (opts) => {
      const settings = ctx.settings();
      const modelName = checkModelName(opts.model ?? settings.pipeline.modelName);
      const runtime = await openRuntime(settings, { worker: true, log: ctx.log });
      try {
        const handle = await signalDriftCheck(runtime.client, {
          taskQueue: settings.temporal.taskQueue,
          modelName,
          trigger: 'manual',
          reason: 'requested from the command line',
          window: opts.window ?? DEFAULT_DRIFT_WINDOW,
        });
        ctx.log(`checking ${modelName} for drift in ${handle.workflowId}: ${workflowUrl(runtime, handle.workflowId)}`);
        const result = await waitWithPhases(handle, handle.result(), driftProgress);
        if (opts.json) ctx.out(JSON.stringify(driftOutput(result)));
        else printHuman(ctx, result);
      } finally {
        await runtime.close();
      }
    });

  // `schedule drift`: under the shared `schedule` command when it exists (register this after it).
  const schedule =
    program.commands.find((c) => c.name() === 'schedule') ??
    program.command('schedule').description('Temporal Schedules that run pipeline workflows periodically');
  schedule
    .command('drift')
    .description('create or update the drift-check schedule of a model (or delete it)')
    .addHelpText(
      'after',
      examples([
        'nlp-batch schedule drift --every 6h',
        'nlp-batch schedule drift --cron "0 */6 * * *" --model spam',
        'nlp-batch schedule drift delete',
      ]),
    )
    .argument('[action]', 'delete; omit to create or update')
    .option('--every <duration>', 'interval, e.g. 6h')
    .option('--cron <expression>', 'cron expression, e.g. "0 */6 * * *" (UTC)')
    .option('--model <name>', 'model name (default: MODEL_NAME)')
    .option('--window <n>', `recent batches each check compares (default ${DEFAULT_DRIFT_WINDOW})`, parseWindow)
    .option('--json', 'print the result as one JSON object')
    .action(async (action: string | undefined, opts) => {
      if (action !== undefined && action !== 'delete')
        throw new UserError(`unknown action ${JSON.stringify(action)}: use delete, or omit it`);
      const settings = ctx.settings();
      const modelName = checkModelName(opts.model ?? settings.pipeline.modelName);
      const runtime = await openRuntime(settings, { worker: false, log: ctx.log });
      try {
        if (action === 'delete') {
          const scheduleId = driftScheduleId(modelName);
          try {
            await runtime.client.schedule.getHandle(scheduleId).delete();
          } catch (err) {
            if (err instanceof ScheduleNotFoundError) throw new UserError(`no schedule ${scheduleId}`);
            throw err;
          }
          ctx.out(opts.json ? JSON.stringify({ scheduleId, action: 'delete' }) : `deleted schedule ${scheduleId}`);
          return;
        }
        const { scheduleId, created } = await upsertDriftSchedule(runtime.client, settings, {
          modelName,
          every: opts.every,
          cron: opts.cron,
          window: opts.window ?? DEFAULT_DRIFT_WINDOW,
        });
        if (opts.json) ctx.out(JSON.stringify({ scheduleId, created, spec: opts.every ? { every: opts.every } : { cron: opts.cron } }));
        else
          ctx.out(
            `${created ? 'created' : 'updated'} schedule ${scheduleId}: check ${modelName} for drift ${opts.every ? `every ${opts.every}` : `on cron "${opts.cron}"`}`,
          );
      } finally {
        await runtime.close();
      }
    });
}

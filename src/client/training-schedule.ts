import { randomUUID } from 'node:crypto';
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Settings } from '../config/settings';
import {
  DEFAULT_TRAINING_PREFIX,
  SCHEDULED_TRAINING_WORKFLOW,
  trainingScheduleId,
  type ScheduledTrainingInputV1,
} from '../contracts/continuous-training';
import { searchAttributes } from '../contracts/search-attributes';
import type { scheduledTraining } from '../workflows/continuous-training';
import { trainingInput } from './train';
import { UserError } from './user-error';

export interface TrainingScheduleOptions {
  modelName: string;
  /** An interval such as `24h`, `30m`, `7d`. Exactly one of `every` and `cron`. */
  every?: string;
  /** A cron expression, e.g. `0 3 * * *` (server time zone UTC unless prefixed with `CRON_TZ=`). */
  cron?: string;
  /** What each run trains on; default `staged/` (the labelled rows ingestBatch stages). */
  prefix?: string;
  tune?: boolean;
}

const DURATION = /^[1-9][0-9]*(ms|s|m|h|d)$/;

export function scheduleSpec(options: Pick<TrainingScheduleOptions, 'every' | 'cron'>): ScheduleSpec {
  if ((options.every === undefined) === (options.cron === undefined))
    throw new UserError('give exactly one of --every <duration> and --cron "<expression>"');
  if (options.every !== undefined) {
    if (!DURATION.test(options.every))
      throw new UserError(`--every ${JSON.stringify(options.every)}: expected a number and a unit (ms, s, m, h, d), e.g. 24h`);
    return { intervals: [{ every: options.every as `${number}${'ms' | 's' | 'm' | 'h' | 'd'}` }] };
  }
  const cron = (options.cron as string).trim();
  // Five fields (minute hour day month weekday), optionally a sixth/seventh, or @daily-style macros.
  if (!/^(CRON_TZ=\S+\s+)?(@\w+|(\S+\s+){4,6}\S+)$/.test(cron))
    throw new UserError(`--cron ${JSON.stringify(cron)}: expected a cron expression such as "0 3 * * *"`);
  return { cronExpressions: [cron] };
}

function scheduleAction(
  settings: Settings,
  options: TrainingScheduleOptions,
): ScheduleOptionsStartWorkflowAction<typeof scheduledTraining> {
  const scheduleId = trainingScheduleId(options.modelName);
  const prefix = options.prefix ?? DEFAULT_TRAINING_PREFIX;
  const input: ScheduledTrainingInputV1 = {
    version: 1,
    scheduleId,
    training: trainingInput(settings, {
      modelName: options.modelName,
      // Replaced per fire by the fire's workflow id (see scheduledTraining).
      requestId: `schedule-${randomUUID()}`,
      trigger: 'schedule',
      data: { prefixes: [prefix] },
      tune: options.tune ?? false,
      reason: `scheduled retraining on ${prefix}`,
    }),
  };
  return {
    type: 'startWorkflow',
    workflowType: SCHEDULED_TRAINING_WORKFLOW,
    taskQueue: settings.temporal.taskQueue,
    // The server appends the fire time; the run it forwards to is always train-<model>.
    workflowId: scheduleId,
    args: [input],
    typedSearchAttributes: [
      { key: searchAttributes.modelName, value: options.modelName },
      { key: searchAttributes.pipelineStage, value: 'training-scheduled' },
    ],
  };
}

/**
 * SKIP: a fire does one thing, hand a request to train-<model>, and is done in a second. If the
 * previous fire is still running, its request has not even reached the training workflow (workers
 * down, say); another would bring nothing, because continuousTraining already coalesces every request
 * that arrives during a run into one follow-up run: the buffering happens there, once, for all
 * triggers. The catch-up window is the server default (a year): fires missed during a server outage
 * are taken when it is back, and whatever SKIP lets through coalesces in train-<model> into at most
 * one run and one follow-up.
 */
const POLICIES = { overlap: ScheduleOverlapPolicy.SKIP, pauseOnFailure: false } as const;

/**
 * Creates the model's retraining schedule, or updates it in place when it exists: running the
 * command twice leaves one schedule with the last spec. A paused schedule stays paused.
 */
export async function upsertTrainingSchedule(
  client: Client,
  settings: Settings,
  options: TrainingScheduleOptions,
): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = trainingScheduleId(options.modelName);
  const spec = scheduleSpec(options);
  const action = scheduleAction(settings, options);
  const note = `retrain ${options.modelName} on ${options.prefix ?? DEFAULT_TRAINING_PREFIX}`;
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: POLICIES, state: { note } });
    return { scheduleId, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({
    spec,
    action,
    policies: POLICIES,
    state: { paused: previous.state.paused, note: previous.state.paused ? previous.state.note : note },
  }));
  return { scheduleId, created: false };
}

export async function describeTrainingSchedule(client: Client, modelName: string): Promise<ScheduleDescription | undefined> {
  try {
    return await client.schedule.getHandle(trainingScheduleId(modelName)).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

export async function changeTrainingSchedule(
  client: Client,
  modelName: string,
  change: 'pause' | 'unpause' | 'delete',
  note?: string,
): Promise<string> {
  const scheduleId = trainingScheduleId(modelName);
  const handle = client.schedule.getHandle(scheduleId);
  try {
    if (change === 'pause') await handle.pause(note ?? 'paused from the command line');
    else if (change === 'unpause') await handle.unpause(note ?? 'unpaused from the command line');
    else await handle.delete();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError)
      throw new UserError(`no schedule ${scheduleId}; create it with: nlp-batch schedule training --every 24h --model ${modelName}`);
    throw err;
  }
  return scheduleId;
}

import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { AlertClosedRunsInput } from '../activities/telemetry/closed-runs';

export const CLOSED_RUN_WATCH_SCHEDULE = 'closed-run-watch';
export const CLOSED_RUN_WATCH_WORKFLOW = 'closedRunWatch';
/** How often the watcher looks, and how far back: a day, so a stopped watcher catches up when it resumes. */
export const CLOSED_RUN_WATCH_EVERY_MS = 5 * 60_000;
export const CLOSED_RUN_LOOKBACK_MS = 24 * 60 * 60_000;

/**
 * The Schedule that alerts on terminated and timed-out ingestBatch runs (closedRunWatch). Idempotent:
 * every worker start ensures it, the first one creates it.
 */
export async function ensureClosedRunWatchSchedule(client: Client, taskQueue: string): Promise<'created' | 'exists'> {
  const args: [AlertClosedRunsInput] = [{ lookbackMs: CLOSED_RUN_LOOKBACK_MS }];
  try {
    await client.schedule.create({
      scheduleId: CLOSED_RUN_WATCH_SCHEDULE,
      spec: { intervals: [{ every: CLOSED_RUN_WATCH_EVERY_MS }] },
      action: { type: 'startWorkflow', workflowType: CLOSED_RUN_WATCH_WORKFLOW, workflowId: CLOSED_RUN_WATCH_SCHEDULE, taskQueue, args },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, pauseOnFailure: false },
      state: { note: 'alerts once on each terminated or timed-out ingestBatch run' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}

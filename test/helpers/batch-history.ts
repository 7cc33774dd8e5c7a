import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * A batch's events: its own history and, after it, the histories of the child workflows it
 * started (the ingestShardRange ranges), depth first. Activities of a batch run in both.
 */
export async function batchEvents(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const all = [...events];
  for (const event of events) {
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) all.push(...(await batchEvents(client, child)));
  }
  return all;
}

/** The activity types a batch (and its ranges) scheduled. */
export async function scheduledActivityTypes(client: Client, workflowId: string): Promise<string[]> {
  return (await batchEvents(client, workflowId)).flatMap((e) => {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    return name ? [name] : [];
  });
}

/**
 * Per activity type, the attempt each ActivityTaskStarted event of one history records (a history
 * keeps only an activity's last attempt). Event ids are per history: pass one history's events.
 */
export function activityAttempts(events: HistoryEvent[]): Record<string, number[]> {
  const types = new Map<string, string>();
  const attempts: Record<string, number[]> = {};
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(String(event.eventId), scheduled.activityType?.name ?? '?');
    const started = event.activityTaskStartedEventAttributes;
    if (started) (attempts[types.get(String(started.scheduledEventId)) ?? '?'] ??= []).push(started.attempt ?? 1);
  }
  return attempts;
}

/** The same, across the batch's own history and its ranges'. */
export async function activityAttemptsOf(client: Client, workflowId: string): Promise<Record<string, number[]>> {
  const parent = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const histories = [parent];
  for (const event of parent) {
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) histories.push((await client.workflow.getHandle(child).fetchHistory()).events ?? []);
  }
  const all: Record<string, number[]> = {};
  for (const events of histories) for (const [type, list] of Object.entries(activityAttempts(events))) (all[type] ??= []).push(...list);
  return all;
}

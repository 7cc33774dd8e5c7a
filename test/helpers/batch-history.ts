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

/** The attempts each activity type was started with, across the batch and its ranges. */
export async function activityAttemptsOf(client: Client, workflowId: string): Promise<Record<string, number[]>> {
  const attempts: Record<string, number[]> = {};
  const parent = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const histories = [parent];
  for (const event of parent) {
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) histories.push((await client.workflow.getHandle(child).fetchHistory()).events ?? []);
  }
  // Event ids are per history: match scheduled and started events within each one.
  for (const events of histories) {
    const scheduled = new Map<string, string>();
    for (const event of events) {
      const s = event.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(event.eventId), s.activityType?.name ?? '?');
      const started = event.activityTaskStartedEventAttributes;
      if (started) (attempts[scheduled.get(String(started.scheduledEventId)) ?? '?'] ??= []).push(started.attempt ?? 0);
    }
  }
  return attempts;
}

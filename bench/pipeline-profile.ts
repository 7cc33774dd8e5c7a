import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface StageProfile {
  activity: string;
  count: number;
  /** Sum of start-to-close times (s): work done. */
  busySeconds: number;
  /** First schedule to last completion (s): how long the stage spanned in the batch. */
  spanSeconds: number;
  /** Longest schedule-to-start wait (s): queueing for a worker slot. */
  maxQueuedSeconds: number;
}

const seconds = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) => Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;

/** Where a batch's time went, activity type by activity type, from its own and its ranges' histories. */
export async function profileBatch(client: Client, workflowId: string, ranges: number): Promise<StageProfile[]> {
  const histories: HistoryEvent[][] = [(await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []];
  for (let r = 0; r < ranges; r++) {
    const id = `${workflowId}-range-${String(r).padStart(4, '0')}`;
    histories.push((await client.workflow.getHandle(id).fetchHistory()).events ?? []);
  }
  const stages = new Map<string, { count: number; busy: number; first: number; last: number; queued: number }>();
  const timeline: Array<{ type: string; scheduled: number; started: number; closed: number }> = [];
  for (const events of histories) {
    const byId = new Map<string, HistoryEvent>();
    for (const e of events) byId.set(String(e.eventId), e);
    for (const e of events) {
      const done = e.activityTaskCompletedEventAttributes;
      if (!done) continue;
      const scheduled = byId.get(String(done.scheduledEventId));
      const started = byId.get(String(done.startedEventId));
      const type = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
      const s = stages.get(type) ?? { count: 0, busy: 0, first: Infinity, last: 0, queued: 0 };
      s.count++;
      s.busy += seconds(e.eventTime) - seconds(started?.eventTime);
      s.first = Math.min(s.first, seconds(scheduled?.eventTime));
      s.last = Math.max(s.last, seconds(e.eventTime));
      s.queued = Math.max(s.queued, seconds(started?.eventTime) - seconds(scheduled?.eventTime));
      stages.set(type, s);
      timeline.push({ type, scheduled: seconds(scheduled?.eventTime), started: seconds(started?.eventTime), closed: seconds(e.eventTime) });
    }
  }
  if (process.env.BENCH_TIMELINE) {
    // Every activity's schedule, start and close, from the batch's first event (diagnosing idle slots).
    const origin = Math.min(...histories.map((h) => seconds(h[0]?.eventTime)));
    process.stderr.write(`timeline from ${new Date(origin * 1000).toISOString()}\n`);
    for (const t of timeline.sort((a, b) => a.scheduled - b.scheduled))
      process.stderr.write(
        `${t.type.padEnd(22)} scheduled ${(t.scheduled - origin).toFixed(2).padStart(6)}  started ${(t.started - origin).toFixed(2).padStart(6)}  closed ${(t.closed - origin).toFixed(2).padStart(6)}\n`,
      );
  }
  return [...stages.entries()]
    .map(([activity, s]) => ({ activity, count: s.count, busySeconds: s.busy, spanSeconds: s.last - s.first, maxQueuedSeconds: s.queued }))
    .sort((a, b) => b.busySeconds - a.busySeconds);
}

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow/lib/errors';

type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Where the workflow code to check comes from: a prebuilt bundle (tests) or the workflows entry point. */
export type ReplayCode = Pick<ReplayWorkerOptions, 'workflowBundle' | 'workflowsPath'>;

export interface DivergedEvent {
  eventId: number;
  eventType: string;
  /** The activity, timer, child workflow or signal the event is about, when it names one. */
  detail?: string;
}

export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  /** The file or `workflowId` the history came from. */
  source: string;
  workflowType?: string;
  events: number;
  ok: boolean;
  error?: {
    /** `nondeterminism`: the code issues different commands than the history recorded. */
    kind: 'nondeterminism' | 'failure';
    name: string;
    message: string;
    /** The history event the replay diverged at, when the SDK's message names one. */
    event?: DivergedEvent;
  };
}

/** Reads a history saved by `historyToJSON` (capture script) or `temporal workflow show --output json`. */
export async function readHistoryFile(file: string): Promise<HistoryAndWorkflowId & { source: string }> {
  const json = JSON.parse(await fs.readFile(file, 'utf8')) as { events?: unknown[] };
  if (!Array.isArray(json?.events) || json.events.length === 0) throw new Error(`${file}: not a workflow history (no "events")`);
  const history = historyFromJSON(json);
  return { workflowId: path.basename(file).replace(/\.json$/, ''), history, source: file };
}

const EVENT_TYPE_PREFIX = 'EVENT_TYPE_';

function eventTypeName(event: HistoryEvent): string {
  const type = event.eventType as unknown;
  if (typeof type === 'string') return type.replace(EVENT_TYPE_PREFIX, '');
  // protobufjs enums are numbers; the attributes field present says which event this is.
  const attributes = Object.keys(event).find((k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k]);
  return attributes ? attributes.replace(/EventAttributes$/, '') : `type ${String(type)}`;
}

function eventDetail(event: HistoryEvent): string | undefined {
  const a = event.activityTaskScheduledEventAttributes;
  if (a) return `activity ${a.activityType?.name ?? '?'} (id ${a.activityId ?? '?'})`;
  const t = event.timerStartedEventAttributes;
  if (t) return `timer ${t.timerId ?? '?'}`;
  const c = event.startChildWorkflowExecutionInitiatedEventAttributes;
  if (c) return `child workflow ${c.workflowType?.name ?? '?'} (${c.workflowId ?? '?'})`;
  const s = event.workflowExecutionSignaledEventAttributes;
  if (s) return `signal ${s.signalName ?? '?'}`;
  const m = event.markerRecordedEventAttributes;
  if (m) return `marker ${m.markerName ?? '?'}`;
  return undefined;
}

/**
 * The event a nondeterminism message points at. Core words it in several ways ("… event 5 …",
 * "HistoryEvent(id: 5, …)", "event_id: 5"); without an id, the first event of the kind named in
 * the message that the code did not reproduce is as close as the SDK lets us get.
 */
export function divergedEvent(message: string, history: History): DivergedEvent | undefined {
  const events = history.events ?? [];
  const match = /HistoryEvent\(id:\s*(\d+)|event[_ ]?id[:=\s]+(\d+)|\bevent\s+(?:#\s*)?(\d+)\b|\[(\d+)\]/i.exec(message);
  const id = match ? Number(match[1] ?? match[2] ?? match[3] ?? match[4]) : undefined;
  const event = id !== undefined ? events.find((e) => Number(e.eventId) === id) : undefined;
  if (!event) return undefined;
  return { eventId: Number(event.eventId), eventType: eventTypeName(event), detail: eventDetail(event) };
}

function workflowTypeOf(history: History): string | undefined {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined;
}

/**
 * Replays each history against `code` with `dataConverter` (the payload codec must be in it when
 * the histories are encrypted). A DeterminismViolationError means the current code would not
 * reproduce the recorded commands: deploying it would break these runs.
 */
export async function replayHistories(
  histories: AsyncIterable<HistoryAndWorkflowId & { source?: string }> | Iterable<HistoryAndWorkflowId & { source?: string }>,
  options: ReplayCode & { dataConverter: DataConverter },
): Promise<ReplayOutcome[]> {
  const seen: Array<HistoryAndWorkflowId & { source?: string }> = [];
  async function* tracked() {
    for await (const h of histories) {
      seen.push(h);
      yield { workflowId: h.workflowId, history: h.history };
    }
  }
  const outcomes: ReplayOutcome[] = [];
  const replayOptions: ReplayWorkerOptions = { ...options, replayName: 'nlp-batch-replay' };
  for await (const result of Worker.runReplayHistories(replayOptions, tracked())) {
    // One history at a time, in order (Worker.runReplayHistories pushes the next after each eviction).
    const item = seen[outcomes.length];
    const history = (item?.history ?? {}) as History;
    const outcome: ReplayOutcome = {
      workflowId: result.workflowId,
      runId: result.runId,
      source: item?.source ?? result.workflowId,
      workflowType: workflowTypeOf(history),
      events: history.events?.length ?? 0,
      ok: result.error === undefined,
    };
    if (result.error) {
      const nondeterminism = result.error instanceof DeterminismViolationError || result.error.name === 'DeterminismViolationError';
      outcome.error = {
        kind: nondeterminism ? 'nondeterminism' : 'failure',
        name: result.error.name,
        message: result.error.message,
        event: divergedEvent(result.error.message, history),
      };
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

export function describeOutcome(o: ReplayOutcome): string {
  const what = `${o.workflowType ?? 'workflow'} ${o.workflowId}${o.runId ? ` (run ${o.runId})` : ''}, ${o.events} events, from ${o.source}`;
  if (o.ok) return `ok    ${what}`;
  const e = o.error as NonNullable<ReplayOutcome['error']>;
  const at = e.event ? `\n      diverged at event ${e.event.eventId} ${e.event.eventType}${e.event.detail ? `: ${e.event.detail}` : ''}` : '';
  const label = e.kind === 'nondeterminism' ? 'NONDETERMINISTIC' : 'FAILED';
  return `${label} ${what}${at}\n      ${e.name}: ${e.message}`;
}

import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
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
  const name = typeof type === 'number' ? temporal.api.enums.v1.EventType[type] : undefined;
  if (name) return name.replace(EVENT_TYPE_PREFIX, '');
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

/** Events that record a command of the workflow (what replay compares the code's commands with). */
const COMMAND_EVENTS = new Set([
  'ACTIVITY_TASK_SCHEDULED',
  'ACTIVITY_TASK_CANCEL_REQUESTED',
  'TIMER_STARTED',
  'TIMER_CANCELED',
  'START_CHILD_WORKFLOW_EXECUTION_INITIATED',
  'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'MARKER_RECORDED',
  'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'WORKFLOW_PROPERTIES_MODIFIED',
  'WORKFLOW_EXECUTION_COMPLETED',
  'WORKFLOW_EXECUTION_FAILED',
  'WORKFLOW_EXECUTION_CANCELED',
  'WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
  'NEXUS_OPERATION_SCHEDULED',
]);

function describeEvent(event: HistoryEvent): DivergedEvent {
  return { eventId: Number(event.eventId), eventType: eventTypeName(event), detail: eventDetail(event) };
}

/** The quoted names in a nondeterminism message ("… scheduled event 'resolveModel' … command 'x'"). */
function namesIn(message: string): string[] {
  return [...message.matchAll(/'([^']{1,200})'/g)].map((m) => m[1]);
}

function mentions(event: HistoryEvent, names: string[]): boolean {
  const a = event.activityTaskScheduledEventAttributes;
  const candidates = [
    a?.activityType?.name,
    a?.activityId,
    event.timerStartedEventAttributes?.timerId,
    event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name,
    event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId,
    event.markerRecordedEventAttributes?.markerName,
  ].filter((c): c is string => typeof c === 'string');
  return candidates.some((c) => names.includes(c));
}

/**
 * Finds the event a nondeterministic replay diverged at. Core's messages name the event by id
 * only sometimes ("HistoryEvent(id: 5, …)"); usually they name the activity or timer ("Activity
 * type of scheduled event 'resolveModel' does not match … command 'describeChampion'"), which can
 * occur many times in a history. So the history is replayed again cut after workflow tasks (a
 * binary search, in one replay worker): the first cut that fails is the workflow task whose
 * commands differ, and among its command events the one the message names (else its first) is
 * the divergence.
 */
export async function locateDivergence(
  history: History,
  message: string,
  options: ReplayCode & { dataConverter: DataConverter },
): Promise<DivergedEvent | undefined> {
  const events = history.events ?? [];
  const byId = /HistoryEvent\(id:\s*(\d+)|event[_ ]id[:=\s]+(\d+)/i.exec(message);
  if (byId) {
    const event = events.find((e) => Number(e.eventId) === Number(byId[1] ?? byId[2]));
    if (event) return describeEvent(event);
  }
  // Cut points: after each completed workflow task and the events that follow it, up to the next
  // scheduled workflow task (the shape of a running workflow's history).
  const cuts: Array<{ completedAt: number; end: number }> = [];
  events.forEach((e, i) => {
    if (eventTypeName(e) !== 'WORKFLOW_TASK_COMPLETED') return;
    let end = i + 1;
    while (end < events.length && eventTypeName(events[end]) !== 'WORKFLOW_TASK_SCHEDULED') end++;
    cuts.push({ completedAt: i, end });
  });
  // Binary search for the first failing cut (once replay diverges, every longer prefix fails too),
  // inside one replay worker: the generator picks each next prefix from the previous result.
  let lo = 0;
  let hi = cuts.length - 1;
  let lastFailed = false;
  let probe = -1;
  async function* probes() {
    while (lo <= hi) {
      probe = (lo + hi) >> 1;
      yield { workflowId: `divergence-${probe}`, history: { events: events.slice(0, cuts[probe].end) } };
    }
  }
  let failing: { completedAt: number; end: number } | undefined;
  for await (const result of Worker.runReplayHistories({ ...options, replayName: 'nlp-batch-divergence' }, probes())) {
    lastFailed = result.error instanceof DeterminismViolationError || result.error?.name === 'DeterminismViolationError';
    if (lastFailed) {
      failing = cuts[probe];
      hi = probe - 1;
    } else {
      lo = probe + 1;
    }
  }
  if (!failing) return undefined;
  const commands = events.slice(failing.completedAt + 1, failing.end).filter((e) => COMMAND_EVENTS.has(eventTypeName(e)));
  const names = namesIn(message);
  const named = commands.find((e) => mentions(e, names));
  const event = named ?? commands[0] ?? events[failing.completedAt];
  return describeEvent(event);
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
      };
    }
    outcomes.push(outcome);
  }
  // After the first pass, so two replay workers never run at once.
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.error?.kind !== 'nondeterminism') continue;
    const history = seen[i].history as History;
    outcome.error.event = await locateDivergence(history, outcome.error.message, options).catch(() => undefined);
  }
  return outcomes;
}

export function describeOutcome(o: ReplayOutcome): string {
  const what = `${o.workflowType ?? 'workflow'} ${o.workflowId}${o.runId ? ` (run ${o.runId})` : ''}, ${o.events} events, from ${o.source}`;
  if (o.ok) return `ok    ${what}`;
  const e = o.error as NonNullable<ReplayOutcome['error']>;
  const at = e.event
    ? `\n      diverged at event ${e.event.eventId} ${e.event.eventType}${e.event.detail ? `: ${e.event.detail}` : ''}`
    : '';
  const label = e.kind === 'nondeterminism' ? 'NONDETERMINISTIC' : 'FAILED';
  return `${label} ${what}${at}\n      ${e.name}: ${e.message}`;
}

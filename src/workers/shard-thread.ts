import { threadId, type MessagePort } from 'node:worker_threads';
import { defaultFailureConverter, defaultPayloadConverter, noopMetricMeter } from '@temporalio/common';
import type { Info } from '@temporalio/activity';
import { Activity } from '@temporalio/worker/lib/activity';
import Piscina from 'piscina';
import { DEFAULT_BASELINE_OPTIONS, createComputeBaseline, createEnsureBaseline } from '../activities/drift/baseline';
import { createResolveBaseline } from '../activities/ingest/resolve-baseline';
import { ModelCache } from '../activities/ingest/model-cache';
import { createSummarizeActivities } from '../activities/ingest/summarize';
import { createEvaluateVersion } from '../activities/training/evaluate-version';
import { createFitCandidate, createRefitCandidate } from '../activities/training/fit-candidate';
import { createSearchActivities } from '../activities/training/search';
import { createTuningActivities } from '../activities/training/tune';
import { objectStoreFromSettings } from '../aws/store-from-settings';
import { loadSettings } from '../config/settings';
import { ModelRegistry, type TextClassifier } from '../model';
import { runShardStage, type ShardStageTask } from '../pipeline/shard-stage';
import { VocabularyLoader } from '../pipeline/shard-statistics';
import type { CpuActivityName } from './shard-pool';
import { toThreadError, type ThreadOutcome } from './thread-errors';

/**
 * A thread of the worker's CPU pool (piscina): cleans and scores shards, and runs the CPU-bound
 * activities (fit, tuning folds, baselines, evaluation) so the worker uses every core while its
 * main thread keeps serving Temporal (polls, heartbeats, workflow tasks). It builds its own store
 * client from the same environment; tasks carry keys, never document text.
 */
const settings = loadSettings(Piscina.workerData as Record<string, string>);
const store = objectStoreFromSettings(settings);
const registry = new ModelRegistry(store);
const models = new Map<string, Promise<TextClassifier>>();
const vocabularies = new VocabularyLoader(store);

function loadModel(name: string, version: string): Promise<TextClassifier> {
  const id = `${name}@${version}`;
  let model = models.get(id);
  if (!model) {
    model = registry.load(name, version);
    model.catch(() => models.delete(id));
    models.set(id, model);
    // Versions are immutable; a few stay cached (one per batch in flight at most).
    if (models.size > 4) models.delete(models.keys().next().value as string);
  }
  return model;
}

type ActivityFn = (...args: never[]) => Promise<unknown>;
let activities: Record<CpuActivityName, ActivityFn> | undefined;

/** The activities this pool runs off the main thread: every one of CPU_ACTIVITIES (shard-pool.ts), checked by the type. */
function cpuActivities(): Record<CpuActivityName, ActivityFn> {
  if (activities) return activities;
  const search = createSearchActivities(store);
  // A range's summary merges its shards' statistics: CPU work that would idle a thread from the main thread.
  const summarize = createSummarizeActivities(store, new ModelCache(registry));
  activities = {
    fitCandidate: createFitCandidate(store, registry),
    refitCandidate: createRefitCandidate(store, registry),
    evaluateVersion: createEvaluateVersion(store, registry),
    planSearch: search.planSearch,
    evaluateFold: search.evaluateFold,
    evaluateConfiguration: createTuningActivities(store).evaluateConfiguration,
    computeBaseline: createComputeBaseline(store, registry, DEFAULT_BASELINE_OPTIONS),
    ensureBaseline: createEnsureBaseline(store, registry, DEFAULT_BASELINE_OPTIONS),
    resolveBaseline: createResolveBaseline(store, registry),
    summarizeShardRange: summarize.summarizeShardRange,
    summarizeRemoteShards: summarize.summarizeRemoteShards,
  };
  return activities;
}

export type CpuTask =
  | { kind: 'ping' }
  | { kind: 'shard'; task: ShardStageTask }
  | { kind: 'activity'; name: string; info: Info; args: unknown[]; port: MessagePort };

/** Messages an activity sends to the main thread while it runs. */
export type ActivityMessage =
  | { heartbeat: unknown }
  | { log: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string; meta?: Record<string, unknown> };

function runActivity(task: Extract<CpuTask, { kind: 'activity' }>): Promise<unknown> {
  const all = cpuActivities();
  const fn = Object.hasOwn(all, task.name) ? all[task.name as CpuActivityName] : undefined;
  if (!fn) throw new Error(`activity ${task.name} does not run in the CPU pool`);
  const { port } = task;
  const send = (m: ActivityMessage) => {
    // The thread's own lifecycle lines (activity started/failed) would repeat the real activity's.
    if ('log' in m && m.meta?.sdkComponent === 'worker') return;
    port.postMessage(m);
  };
  const logAt = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) =>
    send({ log: level, message, meta });
  const logger = {
    log: (level: string, message: string, meta?: Record<string, unknown>) => send({ log: level.toLowerCase() as 'info', message, meta }),
    trace: logAt('trace'),
    debug: logAt('debug'),
    info: logAt('info'),
    warn: logAt('warn'),
    error: logAt('error'),
  };
  const activity = new Activity(
    task.info,
    undefined,
    { payloadConverter: defaultPayloadConverter, payloadCodecs: [], failureConverter: defaultFailureConverter },
    {
      type: 'activity',
      namespace: task.info.activityNamespace,
      activityId: task.info.activityId,
      workflowId: task.info.workflowExecution?.workflowId,
      isLocal: task.info.isLocal,
    } as never,
    undefined,
    (details?: unknown) => send({ heartbeat: details }),
    undefined,
    logger,
    noopMetricMeter,
    [],
  );
  // Cancellation: the main thread aborts the pool task (piscina ends this thread and starts another).
  return activity.runNoEncoding(fn as never, { args: task.args, headers: {} });
}

export default async function run(task: CpuTask): Promise<ThreadOutcome<unknown>> {
  try {
    // The pool's start: this module (and all it imports) is loaded once this answers.
    if (task.kind === 'ping') return { ok: true, value: threadId };
    if (task.kind === 'shard') {
      return { ok: true, value: await runShardStage({ store, loadModel, loadVocabulary: (key) => vocabularies.load(key) }, task.task) };
    }
    try {
      return { ok: true, value: await runActivity(task) };
    } finally {
      task.port.close();
    }
  } catch (err) {
    return { ok: false, error: toThreadError(err) };
  }
}

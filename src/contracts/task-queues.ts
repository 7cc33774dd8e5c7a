/**
 * Task queues by kind of work. Workflows and light I/O activities (preparing files, finalising,
 * notifications, remote-job polls) run on the configured queue; CPU-bound activities (cleaning and
 * scoring shards, fits, tuning folds, baselines, evaluation) on its `-cpu` companion, whose workers
 * take as many at once as they have cores. Workflows derive the CPU queue from their own queue, so
 * a deployment names one queue and gets both.
 */
export function cpuTaskQueue(taskQueue: string): string {
  return `${taskQueue}-cpu`;
}

export const WORKER_QUEUE_KINDS = ['workflows', 'cpu'] as const;
export type WorkerQueueKind = (typeof WORKER_QUEUE_KINDS)[number];

/** The activities that go to the CPU queue. */
export const CPU_QUEUE_ACTIVITIES = [
  'processShard',
  'summarizeRemoteShards',
  'summarizeShardRange',
  'resolveBaseline',
  'fitCandidate',
  'refitCandidate',
  'evaluateVersion',
  'evaluateConfiguration',
  'planSearch',
  'evaluateFold',
  'computeBaseline',
  'ensureBaseline',
] as const;

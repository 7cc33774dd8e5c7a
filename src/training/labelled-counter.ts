/**
 * How many labelled rows ingestBatch staged since a training run last looked at `staged/`, per
 * model: the data trigger retrains when it reaches a threshold. Pure transitions; the activities
 * store the document at `labelledCounterKey` and change it only by compare-and-set.
 *
 * The rule, kept simple so it is easy to check:
 *  - a batch adds its labelled rows once (its id is remembered, so a retried activity adds nothing);
 *  - a training run whose data covers `staged/` reads the count before it lists the prefix, and
 *    once its set is assembled subtracts what it read (once per run). Rows counted before the read
 *    were staged before the listing, so they are in the set; rows counted later stay counted, even
 *    if the listing happened to include them. The count may therefore over-state by a batch or
 *    two (an early retrain), never under-state (a missed one).
 */
export interface LabelledCounterV1 {
  version: 1;
  modelName: string;
  count: number;
  /** Batches already counted, most recent last (bounded). */
  countedBatches: string[];
  /** Training runs that already subtracted what they saw, most recent last (bounded). */
  acknowledgedRuns: string[];
  updatedAt: string;
}

const REMEMBERED = 200;

export const labelledCounterKey = (modelName: string) => `models/${modelName}/labelled-since-training.json`;

export function emptyCounter(modelName: string, now: Date): LabelledCounterV1 {
  return { version: 1, modelName, count: 0, countedBatches: [], acknowledgedRuns: [], updatedAt: now.toISOString() };
}

const remember = (list: string[], id: string) => [...list, id].slice(-REMEMBERED);

/** Adds a batch's labelled rows, once per batch id. Returns the same object when nothing changes. */
export function countBatch(counter: LabelledCounterV1, batchId: string, labelledRows: number, now: Date): LabelledCounterV1 {
  if (counter.countedBatches.includes(batchId)) return counter;
  return {
    ...counter,
    count: counter.count + labelledRows,
    countedBatches: remember(counter.countedBatches, batchId),
    updatedAt: now.toISOString(),
  };
}

/** A training run saw `seen` of the counted rows: subtract them, once per run. */
export function acknowledgeRun(counter: LabelledCounterV1, runId: string, seen: number, now: Date): LabelledCounterV1 {
  if (counter.acknowledgedRuns.includes(runId)) return counter;
  return {
    ...counter,
    count: Math.max(0, counter.count - seen),
    acknowledgedRuns: remember(counter.acknowledgedRuns, runId),
    updatedAt: now.toISOString(),
  };
}

/** Whether a run reading `prefixes` sees every row ingestBatch stages (so it may reset the count). */
export function coversStaged(prefixes: readonly string[] | undefined, stagedPrefix: string): boolean {
  return (prefixes ?? []).some((p) => stagedPrefix.startsWith(p));
}

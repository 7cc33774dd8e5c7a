import { SingleBar } from 'cli-progress';
import type { WorkflowHandle } from '@temporalio/client';
import type { IngestProgressV1 } from '../contracts/ingest-batch';
import { ingestQueries } from '../contracts/ingest-batch';
import type { ingestBatch } from '../workflows/ingest-batch';
import { trainingQueries } from '../contracts/continuous-training';
import { driftQueries, type DriftStatusV1 } from '../contracts/drift-correction';
import type { TrainingStatus } from '../workflows/continuous-training';

/**
 * Waits for an ingestBatch result while drawing a progress bar on stderr, fed by the workflow's
 * progress query (stdout stays clean for `--json`). Without a TTY it prints a line per phase.
 */
export async function waitWithProgress(
  handle: WorkflowHandle<typeof ingestBatch>,
  stream: NodeJS.WriteStream = process.stderr,
  onProgress: (progress: IngestProgressV1) => void = () => undefined,
) {
  const result = handle.result();
  let settled = false;
  void result.then(
    () => (settled = true),
    () => (settled = true),
  );
  const bar = stream.isTTY
    ? new SingleBar({
        stream,
        format: ' {phase} |{bar}| {value}/{total} rows | shards {shardsDone}/{shardsTotal} | {eta_formatted}',
        hideCursor: true,
      })
    : undefined;
  let started = false;
  let lastPhase = '';
  while (!settled) {
    const progress = await handle.query<IngestProgressV1>(ingestQueries.progress).catch(() => undefined);
    if (progress) {
      onProgress(progress);
      const payload = { phase: progress.phase.padEnd(17), shardsDone: progress.shards.done, shardsTotal: progress.shards.total };
      if (bar) {
        if (!started) bar.start(Math.max(progress.rows.total, 1), progress.rows.done, payload);
        bar.setTotal(Math.max(progress.rows.total, 1));
        bar.update(progress.rows.done, payload);
        started = true;
      } else if (progress.phase !== lastPhase) {
        stream.write(
          `${progress.phase}: ${progress.rows.done}/${progress.rows.total} rows, ${progress.shards.done}/${progress.shards.total} shards\n`,
        );
      }
      lastPhase = progress.phase;
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
  }
  bar?.stop();
  return result;
}

/** A workflow's status query and how to say its phase in words. */
export interface PhaseWatch<S> {
  query: string;
  describe(status: S): string;
}

const TRAINING_PHASES: Record<TrainingStatus['phase'], string> = {
  assembling: 'assembling the training set (deduplicating, splitting off the held-out rows)',
  tuning: 'searching hyperparameters (successive halving, cross-validation)',
  fitting: 'fitting the challenger',
  'evaluating-champion': 'evaluating the champion on the same held-out rows',
  deciding: 'deciding whether to promote',
  refitting: 'refitting the promoted challenger on the training and held-out rows',
  done: 'done',
};

export const trainingProgress: PhaseWatch<TrainingStatus> = {
  query: trainingQueries.status,
  describe: (s) =>
    `${TRAINING_PHASES[s.phase] ?? s.phase}${s.candidateVersion ? ` (${s.candidateVersion})` : ''}` +
    (s.pendingFollowUp ? '; another request is queued for a follow-up run' : ''),
};

const DRIFT_PHASES: Record<DriftStatusV1['phase'], string> = {
  collecting: 'collecting the statistics of the recent batches',
  baseline: 'loading the training baseline',
  comparing: 'comparing the batches with the baseline',
  deciding: 'deciding',
  acting: 'acting on the decision (alert, retrain or tune)',
  done: 'done',
};

export const driftProgress: PhaseWatch<DriftStatusV1> = {
  query: driftQueries.status,
  describe: (s) => `${DRIFT_PHASES[s.phase] ?? s.phase}${s.decision ? ` (${s.decision})` : ''}`,
};

/**
 * Waits for a workflow's result while printing each new phase on stderr (with the seconds since
 * the start), fed by its status query; stdout stays clean for `--json`.
 */
export async function waitWithPhases<R, S>(
  handle: WorkflowHandle,
  result: Promise<R>,
  watch: PhaseWatch<S>,
  stream: NodeJS.WritableStream = process.stderr,
  intervalMs = 500,
): Promise<R> {
  const started = Date.now();
  let settled = false;
  void result.then(
    () => (settled = true),
    () => (settled = true),
  );
  let last = '';
  while (!settled) {
    const status = await handle.query<S>(watch.query).catch(() => undefined);
    if (status !== undefined && !settled) {
      const line = watch.describe(status);
      if (line !== last) stream.write(`  ${String(Math.round((Date.now() - started) / 1000)).padStart(4)}s  ${line}\n`);
      last = line;
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  return result;
}

/** A running workflow's status query, or null when none answers within `timeoutMs` (no worker polling). */
export async function queryWithin<S>(handle: WorkflowHandle, query: string, timeoutMs = 5000): Promise<S | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
  try {
    return await Promise.race([handle.query<S>(query).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

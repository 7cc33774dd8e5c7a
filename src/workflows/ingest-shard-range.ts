import {
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { createIngestActivities } from '../activities/ingest';
import type { RemoteStage } from '../activities/ingest/remote-stages';
import type { ShardRangeRef } from '../activities/ingest/types';
import {
  ingestSignals,
  type IngestShardRangeInputV1,
  type IngestShardRangeResultV1,
  type RangeProgressSignalV1,
  remoteJobFailureTypes,
  type ShardRangeTotalsV1,
} from '../contracts/ingest-batch';
import { shardsOfBlocks } from '../pipeline/shard-blocks';
import { cpuActivities } from './cpu-activities';
import { DEFAULT_INFRA_RETRY, infraActivityOptions } from './retry-policy';
import { Semaphore } from './semaphore';

type IngestActivities = ReturnType<typeof createIngestActivities>;

// Cleaning and scoring a shard is CPU-bound work of seconds to minutes (the CPU queue); it
// heartbeats, so a dead worker is noticed within a minute instead of at the start-to-close timeout.
// Infrastructure errors retry for the batch's window (retry-policy.ts), not a few attempts.
const shardActivities = (window: IngestShardRangeInputV1['infraRetry']) =>
  cpuActivities<IngestActivities>(infraActivityOptions({ startToCloseMs: 3_600_000, heartbeatMs: 60_000, long: true }, window));
// Remote jobs are driven by short activities; the workflow sleeps between polls.
const remoteJobActivities = (window: IngestShardRangeInputV1['infraRetry']) =>
  proxyActivities<IngestActivities>(infraActivityOptions({ startToCloseMs: 2 * 60_000 }, window));

const PROGRESS_GAP_MS = 2000;
/**
 * Submissions of one failed remote job before the range fails with RemoteJobFailed. A job that
 * failed ran and failed (not an outage, which the activities ride out for the retry window), so a
 * few more runs, within the batch's retry window too: whichever ends first.
 */
export const MAX_JOB_SUBMISSIONS = 8;
/** The longest wait between two polls of a remote job: a 12-hour job costs at most ~150 polls. */
export const MAX_POLL_MS = 5 * 60_000;

/**
 * Cleans and scores one range of a batch's shards (at most a few hundred) and returns its totals.
 * Per-shard outcomes stay in the store (shard summaries, merged into the range's summary), so the
 * parent's history grows with the number of ranges, not shards. Progress goes to the parent every
 * tenth of the range. If the history still grows too long (a huge range, many retries), the run
 * continues as new with the shards already done.
 */
export async function ingestShardRange(input: IngestShardRangeInputV1): Promise<IngestShardRangeResultV1> {
  const { batchId, range, blocks } = input;
  const { processShard, summarizeRemoteShards, summarizeShardRange } = shardActivities(input.infraRetry);
  const model = { modelName: input.modelName, modelVersion: input.modelVersion };
  const ref: ShardRangeRef = { batchId, range, blocks, model, ...(input.redactPii && { redactPii: true }) };
  const shards = shardsOfBlocks(blocks);
  const done = new Set<number>(input.done ?? []);
  const totals: ShardRangeTotalsV1 = input.carried ?? { shards: 0, rows: 0, scored: 0, predictedCounts: {} };
  const every = Math.max(1, Math.ceil(shards.length / 10));

  // Progress for the parent's query: at most ten signals per range and one per PROGRESS_GAP_MS, so
  // the parent's history grows with the number of ranges, not shards.
  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  let lastReport = Date.now();
  const report = async () => {
    if (Date.now() - lastReport < PROGRESS_GAP_MS) return;
    lastReport = Date.now();
    const progress: RangeProgressSignalV1 = { range, shards: totals.shards, rows: totals.rows };
    await parent.signal(ingestSignals.rangeProgress, progress).catch((err) => log.warn('progress signal lost', { error: String(err) }));
  };

  if (input.etl === 'local') {
    const semaphore = new Semaphore(input.parallelism);
    let stopping = false;
    await Promise.all(
      shards
        .filter((s) => !done.has(s.index))
        .map((shard) =>
          semaphore.run(async () => {
            if (stopping || workflowInfo().continueAsNewSuggested) {
              stopping = true;
              return;
            }
            const out = await processShard({
              batchId,
              shard,
              model,
              score: input.scoring === 'worker',
              ...(input.redactPii && { redactPii: true }),
              vocabularyKey: input.vocabularyKey,
            });
            done.add(shard.index);
            totals.shards++;
            totals.rows += out.rows;
            totals.scored += out.scored;
            if (totals.shards % every === 0) await report();
          }),
        ),
    );
    if (stopping) {
      await continueAsNew<typeof ingestShardRange>({ ...input, done: [...done].sort((a, b) => a - b), carried: totals });
    }
  }
  if (input.etl === 'glue') await runRemoteJob('etl', ref, input.infraRetry);
  if (input.scoring !== 'worker') await runRemoteJob('scoring', ref, input.infraRetry);
  if (input.etl !== 'local' || input.scoring !== 'worker') {
    await summarizeRemoteShards({ ...ref, vocabularyKey: input.vocabularyKey, cleanedInWorker: input.etl === 'local' });
  }
  const summary = await summarizeShardRange({ batchId, range, blocks });
  return { version: 1, range, ...summary };
}

/**
 * One remote job to its end: submit, then poll with timers between (backing off to MAX_POLL_MS),
 * resubmitting a failed job up to MAX_JOB_SUBMISSIONS times, and stopping it when the batch is
 * cancelled. A job that reported bad input (its permanent-failure exit) is never resubmitted.
 */
async function runRemoteJob(stage: RemoteStage, ref: ShardRangeRef, window: IngestShardRangeInputV1['infraRetry']) {
  const { submitRemoteJob, pollRemoteJob, stopRemoteJob } = remoteJobActivities(window);
  const resubmitUntil = Date.now() + (window ?? DEFAULT_INFRA_RETRY).timeoutMs;
  for (let submission = 1; ; submission++) {
    const { jobId, pollMs } = await submitRemoteJob({ ...ref, stage });
    let wait = pollMs;
    try {
      for (;;) {
        await sleep(wait);
        const status = await pollRemoteJob({ stage, jobId });
        if (status.state === 'succeeded') return;
        if (status.state === 'failed') {
          if (status.permanent) {
            throw ApplicationFailure.create({
              type: remoteJobFailureTypes.badInput,
              nonRetryable: true,
              message: status.message,
              details: [{ jobId, code: status.code, submissions: submission }],
            });
          }
          if (submission >= MAX_JOB_SUBMISSIONS || Date.now() >= resubmitUntil) {
            throw ApplicationFailure.create({
              type: remoteJobFailureTypes.failed,
              nonRetryable: true,
              message: status.message,
              details: [{ jobId, code: status.code, submissions: submission }],
            });
          }
          log.warn('remote job failed; submitting it again', { stage, jobId, code: status.code, submission });
          break;
        }
        wait = Math.min(Math.round(wait * 1.5), MAX_POLL_MS);
      }
    } catch (err) {
      if (isCancellation(err)) {
        await CancellationScope.nonCancellable(() => stopRemoteJob({ stage, jobId, reason: `workflow cancelled: ${String(err)}` }));
      }
      throw err;
    }
    await sleep(Math.min(1000 * 2 ** (submission - 1), 60_000));
  }
}

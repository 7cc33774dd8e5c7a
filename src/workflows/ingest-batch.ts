import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  isCancellation,
  log,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ResolvedModel } from '../activities/ingest/types';
import {
  AddFilesSignalV1,
  INGEST_SHARD_RANGE_WORKFLOW,
  IngestBatchInputV1,
  IngestBatchResultV2,
  IngestContinuationV1,
  IngestProgressV1,
  ingestFailureTypes,
  ingestQueries,
  ingestSignals,
  RangeProgressSignalV1,
  rangeWorkflowId,
  RejectedFileV1,
  ShardBlockV1,
  ShardsStagedSignalV1,
  SourceRefV1,
  SubmitFilesResultV1,
} from '../contracts/ingest-batch';
import { searchAttributes } from '../contracts/search-attributes';
import { batchLayout, layout } from '../pipeline/layout';
import type { ingestShardRange } from './ingest-shard-range';
import { Semaphore } from './semaphore';
import { submitFilesUpdate, validateSubmission } from './batch-intake';
import { Bookkeeping } from './bookkeeping';
import { ingestActivities, ingestCpuActivities, resolveDeployment } from './ingest-activities';

export const addFilesSignal = defineSignal<[AddFilesSignalV1]>(ingestSignals.addFiles);
export const closeBatchSignal = defineSignal(ingestSignals.closeBatch);
export const rangeProgressSignal = defineSignal<[RangeProgressSignalV1]>(ingestSignals.rangeProgress);
export const shardsStagedSignal = defineSignal<[ShardsStagedSignalV1]>(ingestSignals.shardsStaged);
export const progressQuery = defineQuery<IngestProgressV1>(ingestQueries.progress);
export { submitFilesUpdate };

/** Shards per child workflow unless the batch says otherwise. */
export const DEFAULT_RANGE_SHARDS = 500;
export const DEFAULT_PREPARE_PARALLELISM = 4;
export const DEFAULT_RANGE_CONCURRENCY = 4;
/** How often a file being prepared tells this workflow about its staged shards (at most). */
const ANNOUNCE_EVERY_MS = 250;
/** Rejected files named in a NoValidInput failure (all of them are in the store). */
const REJECTIONS_NAMED = 20;
/** Source keys remembered across continue-as-new to drop duplicate S3 events (they arrive close together). */
const SEEN_KEYS_CARRIED = 10_000;

function emptyContinuation(startedAt: string): IngestContinuationV1 {
  return {
    startedAt,
    nextSourceIndex: 0,
    nextShard: 0,
    nextRange: 0,
    pending: [],
    seenKeys: [],
    rejectedSample: [],
    closed: false,
    totals: {
      files: 0,
      prepared: 0,
      rejected: 0,
      inputRows: 0,
      quarantined: 0,
      labelled: 0,
      scored: 0,
      shardsDone: 0,
      predictedCounts: {},
    },
  };
}

/**
 * Validates, cleans and scores a batch of text files. Files come from the start arguments and from
 * `submitFiles` updates (one open batch per S3 prefix and time window: the S3-event handler uses
 * update-with-start); the batch closes when the window ends or on `closeBatch`, and never before
 * every accepted file is processed. Once it stops taking files, submitFiles is refused, so the
 * sender moves the files to a follow-up batch: an accepted file is always processed.
 *
 * Files are prepared a few at a time; their shards are numbered batch-wide as each file finishes
 * and handed out in ranges of `rangeShards` to child workflows (ingestShardRange), which return
 * totals only. Per-file and per-shard outcomes stay in the store as small summaries that
 * finalisation reads by prefix, so this history grows with the number of files and ranges, never
 * with the number of shards or rows; if it still grows long (many files), the run continues as new
 * between files with its totals.
 */
export async function ingestBatch(input: IngestBatchInputV1): Promise<IngestBatchResultV2> {
  const { batchId } = input;
  const state: IngestContinuationV1 = input.continued ?? emptyContinuation(new Date().toISOString());
  const { totals } = state;
  const rangeShards = Math.max(1, input.options.rangeShards ?? DEFAULT_RANGE_SHARDS);
  const prepareParallelism = Math.max(1, input.options.prepareParallelism ?? DEFAULT_PREPARE_PARALLELISM);
  const workflowId = workflowInfo().workflowId;

  const rangeProgress = new Map<number, RangeProgressSignalV1>();
  const progress: IngestProgressV1 = {
    batchId,
    phase: 'resolving-model',
    modelVersion: state.model?.modelVersion,
    files: { total: 0, prepared: 0, rejected: 0 },
    rows: { total: 0, done: 0, scored: 0, quarantined: 0 },
    shards: { total: 0, done: 0 },
  };
  const refreshProgress = () => {
    let shards = totals.shardsDone;
    let rows = totals.scored;
    for (const p of rangeProgress.values()) {
      shards += p.shards;
      rows += p.rows;
    }
    progress.files = { total: totals.files + pending.length + inFlight, prepared: totals.prepared, rejected: totals.rejected };
    progress.rows = { total: totals.inputRows, done: totals.quarantined + rows, scored: rows, quarantined: totals.quarantined };
    progress.shards = { total: state.nextShard, done: shards };
  };

  const seenKeys = new Set<string>(state.seenKeys);
  const pending: SourceRefV1[] = [...state.pending];
  let inFlight = 0;
  let closed = state.closed;
  // Set when the batch stops taking files (the intake loop ended, or the batch failed): from then
  // on submitFiles is refused, so an accepted file is always one this batch processes.
  let intakeClosed = false;
  const lateFiles: string[] = [];
  const accept = (sources: SourceRefV1[]): SubmitFilesResultV1 => {
    const result: SubmitFilesResultV1 = { batchId, accepted: [], duplicates: [] };
    for (const source of sources) {
      if (seenKeys.has(source.key)) {
        result.duplicates.push(source.key); // S3 may deliver an event twice
        continue;
      }
      seenKeys.add(source.key);
      pending.push(source);
      result.accepted.push(source.key);
    }
    return result;
  };
  setHandler(submitFilesUpdate, ({ sources }) => accept(sources), {
    validator: (update) => validateSubmission(update, intakeClosed, batchId),
  });
  // The legacy signal (senders from before submitFiles) cannot be refused: files it brings after
  // intake closed are reported as unprocessed and alerted instead of silently dropped.
  setHandler(addFilesSignal, ({ sources }) => {
    if (!intakeClosed) accept(sources);
    else for (const { key } of sources) if (!seenKeys.has(key) && !lateFiles.includes(key)) lateFiles.push(key);
  });
  setHandler(closeBatchSignal, () => {
    closed = true;
  });
  setHandler(rangeProgressSignal, (p) => {
    const previous = rangeProgress.get(p.range);
    if (!previous || p.shards > previous.shards) rangeProgress.set(p.range, p);
  });
  setHandler(progressQuery, () => {
    refreshProgress();
    return progress;
  });
  if (!input.continued) accept(input.sources);

  const setPhase = (phase: IngestProgressV1['phase']) => {
    progress.phase = phase;
    upsertSearchAttributes([{ key: searchAttributes.pipelineStage, value: phase }]);
  };

  // Where stages run, sizes, PII redaction and the retry window: the workers' deployment decides
  // (asked once per batch, carried across continue-as-new); the batch's options override only explicitly.
  const deployment = state.deployment ?? (await resolveDeployment(input.options));
  state.deployment = deployment;
  const { options, retry } = deployment;
  const activities = ingestActivities(retry);
  const { resolveModel, prepareSource, finalizeBatch, recordBatchStatistics, notify, recordMetrics } = activities;
  const { requestTrainingIfDue, requestDriftCheckIfDue, writeResultsParquet, writeBatchReport, recordBatchFailed } = activities;

  let model: ResolvedModel | undefined = state.model;
  try {
    if (!model) {
      model = await resolveModel({ modelName: input.modelName });
      state.model = model;
      upsertSearchAttributes([{ key: searchAttributes.modelVersion, value: model.modelVersion }]);
    }
    const pinned = model;
    progress.modelVersion = pinned.modelVersion;
    // Needed by the first shard (OOV counts); computed meanwhile files are prepared.
    const { resolveBaseline } = ingestCpuActivities(retry);
    const baseline =
      state.baselineKey !== undefined ? Promise.resolve(state.baselineKey) : resolveBaseline(pinned).then((b) => b.baselineKey);

    const rangeConcurrency = Math.max(1, options.rangeConcurrency ?? DEFAULT_RANGE_CONCURRENCY);
    const rangeSemaphore = new Semaphore(rangeConcurrency);
    const ranges: Array<Promise<void>> = [];
    let open: ShardBlockV1[] = [];
    let openShards = 0;

    let activeRanges = 0;
    const runRange = (range: number, blocks: ShardBlockV1[]) =>
      rangeSemaphore.run(async () => {
        const vocabularyKey = await baseline;
        const out = await executeChild<typeof ingestShardRange>(INGEST_SHARD_RANGE_WORKFLOW, {
          workflowId: rangeWorkflowId(batchId, range),
          args: [
            {
              version: 1,
              batchId,
              range,
              parentWorkflowId: workflowId,
              modelName: pinned.modelName,
              modelVersion: pinned.modelVersion,
              blocks,
              etl: options.etl,
              scoring: options.scoring,
              parallelism: options.parallelism,
              ...(options.redactPii && { redactPii: true }),
              infraRetry: retry,
              vocabularyKey,
            },
          ],
        });
        rangeProgress.delete(range);
        totals.shardsDone += out.shards;
        totals.scored += out.scored;
        for (const [label, n] of Object.entries(out.predictedCounts))
          totals.predictedCounts[label] = (totals.predictedCounts[label] ?? 0) + n;
      });
    const flush = () => {
      if (openShards === 0) return;
      activeRanges++;
      ranges.push(runRange(state.nextRange++, open).finally(() => activeRanges--));
      open = [];
      openShards = 0;
    };
    // A file's shards get the next batch-wide numbers as they are staged. A range starts when it is
    // full or, with in-worker stages, when a range slot is free (work now rather than later); while
    // every slot is busy, shards gather into the open range, so ranges grow with the backlog and
    // stay few. Remote stages (Glue, Batch) run one job per range: their ranges start full or at
    // the end of intake, so a small batch is one job.
    const inWorker = options.etl === 'local' && options.scoring === 'worker';
    const assigned = new Map<number, number>();
    const stageShards = (sourceIndex: number, staged: number) => {
      let local = assigned.get(sourceIndex) ?? 0;
      if (staged <= local) return;
      assigned.set(sourceIndex, staged);
      while (local < staged) {
        const take = Math.min(staged - local, rangeShards - openShards);
        open.push({ sourceIndex, firstLocal: local, first: state.nextShard, count: take });
        state.nextShard += take;
        openShards += take;
        local += take;
        if (openShards >= rangeShards) flush();
      }
      if (inWorker && activeRanges < rangeConcurrency) flush();
    };
    setHandler(shardsStagedSignal, ({ sourceIndex, shards }) => stageShards(sourceIndex, shards));
    const prepare = async (source: SourceRefV1, sourceIndex: number) => {
      const outcome = await prepareSource({
        batchId,
        sourceIndex,
        source,
        shardSize: options.shardSize,
        columns: options.columns,
        maxRecordBytes: options.maxRecordBytes,
        ...(inWorker && { announceEveryMs: ANNOUNCE_EVERY_MS }),
      });
      totals.files++;
      if (!outcome.ok) {
        totals.rejected++;
        if (state.rejectedSample.length < REJECTIONS_NAMED) state.rejectedSample.push(outcome.rejected);
        return;
      }
      totals.prepared++;
      totals.inputRows += outcome.inputRows;
      totals.quarantined += outcome.quarantined;
      totals.labelled += outcome.labelled;
      stageShards(outcome.sourceIndex, outcome.shards);
      setPhase('processing');
    };
    let failure: unknown;
    const launch = () => {
      const source = pending.shift() as SourceRefV1;
      const sourceIndex = state.nextSourceIndex++;
      inFlight++;
      void prepare(source, sourceIndex)
        .catch((err) => (failure ??= err))
        .finally(() => inFlight--);
    };
    const canLaunch = () => pending.length > 0 && inFlight < prepareParallelism && !workflowInfo().continueAsNewSuggested;

    const windowEnds = state.windowEndsAt ?? Date.now() + options.windowMs;
    state.windowEndsAt = windowEnds;
    for (;;) {
      if (pending.length > 0 && inFlight === 0) setPhase('preparing');
      while (canLaunch()) launch();
      if (inFlight > 0) {
        await condition(() => inFlight === 0 || canLaunch() || failure !== undefined);
        if (failure !== undefined) throw failure;
        continue;
      }
      if (failure !== undefined) throw failure;
      const windowOpen = !closed && windowEnds - Date.now() > 0;
      if (workflowInfo().continueAsNewSuggested && (pending.length > 0 || windowOpen)) {
        // Between files: finish the ranges started so far, then carry the totals into a new run.
        flush();
        await Promise.all(ranges);
        await condition(() => true); // let handlers that arrived with the last completions run
        state.pending = pending;
        state.seenKeys = [...seenKeys].slice(-SEEN_KEYS_CARRIED);
        state.closed = closed;
        state.baselineKey = await baseline;
        return await continueAsNew<typeof ingestBatch>({ ...input, sources: [], continued: state });
      }
      if (pending.length > 0) continue;
      // Idle: in-worker stages start on what is staged; remote ones wait for the window to close.
      if (inWorker || !windowOpen) flush();
      if (!windowOpen) {
        intakeClosed = true;
        break;
      }
      setPhase('waiting-for-files');
      await condition(() => pending.length > 0 || closed, windowEnds - Date.now());
    }
    await Promise.all(ranges);
    const baselineKey = await baseline;

    if (totals.prepared === 0) {
      throw ApplicationFailure.create({
        type: ingestFailureTypes.noValidInput,
        nonRetryable: true,
        message: `batch ${batchId} has no readable input: ${describeRejections(state.rejectedSample, totals.rejected)}`,
      });
    }

    setPhase('finalizing');
    const { inputRows, scored, quarantined, predictedCounts } = totals;
    if (inputRows !== scored + quarantined) {
      throw ApplicationFailure.create({
        type: ingestFailureTypes.reconciliationFailed,
        nonRetryable: true,
        message: `batch ${batchId} does not reconcile: ${inputRows} input rows != ${scored} scored + ${quarantined} quarantined`,
      });
    }
    const manifest = await finalizeBatch({
      batchId,
      model: pinned,
      startedAt: state.startedAt,
      expected: { inputRows, scored, quarantined, shards: state.nextShard, sources: state.nextSourceIndex },
    });
    const result: IngestBatchResultV2 = {
      version: 2,
      batchId,
      status: 'completed',
      modelName: pinned.modelName,
      modelVersion: pinned.modelVersion,
      inputRows,
      scored,
      quarantined,
      predictedCounts,
      resultsPrefix: layout.resultsPrefix(batchId),
      resultParts: manifest.resultParts,
      quarantinePrefix: batchLayout.quarantinePrefix(batchId),
      quarantineFiles: manifest.quarantineFiles,
      shardSummariesPrefix: batchLayout.shardSummariesPrefix(batchId),
      shardRanges: state.nextRange,
      rejectedFiles: manifest.rejectedFiles,
      rejectedFileCount: manifest.rejectedFileCount,
      manifestKey: manifest.manifestKey,
    };
    upsertSearchAttributes([
      { key: searchAttributes.documentCount, value: inputRows },
      { key: searchAttributes.quarantinedCount, value: quarantined },
    ]);
    // From here on the batch's results are complete: a step that fails is recorded, not fatal.
    const bookkeeping = new Bookkeeping();
    // Side by side: the three read what finalisation wrote and nothing of each other.
    const [, , lake] = await Promise.all([
      bookkeeping.run('recordMetrics', () =>
        recordMetrics({ batchId, model: pinned, inputRows, scored, quarantined, predictedCounts, startedAt: state.startedAt }),
      ),
      // Statistics and the report's profile were computed while the shards were processed: this
      // merges the range summaries (no shard is read again); the report renders from them below.
      bookkeeping.run('recordBatchStatistics', () => recordBatchStatistics({ batchId, model: pinned, quarantined, baselineKey })),
      // The data lake's Parquet parts are part of the results: writing them is not bookkeeping.
      writeResultsParquet({ batchId }),
    ]);
    // A report that cannot be drawn must not fail a batch whose results are stored.
    const report = await writeBatchReport({ batchId }).catch((err) => {
      log.warn('batch report not written', { batchId, error: errorMessage(err) });
      return undefined;
    });
    upsertMemo({ manifest: manifest.manifestKey, lake: lake.indexKey, ...(report && { report: report.key }) });
    const driftEvery = options.driftCheckEveryBatches;
    if (driftEvery) {
      await bookkeeping.run('requestDriftCheckIfDue', () =>
        requestDriftCheckIfDue({ modelName: pinned.modelName, batchId, everyBatches: driftEvery, window: options.driftWindowBatches }),
      );
    }
    const retrainAfter = options.retrainAfterLabelledRows;
    if (retrainAfter && totals.labelled > 0) {
      // Counted once the rows are staged (continuousTraining reads them from staged/).
      await bookkeeping.run('requestTrainingIfDue', () =>
        requestTrainingIfDue({ modelName: pinned.modelName, batchId, labelledRows: totals.labelled, threshold: retrainAfter }),
      );
    }
    const rejectedCount = manifest.rejectedFileCount;
    await bookkeeping.run('notify', () =>
      notify({
        event: 'batch.completed',
        severity: quarantined > 0 || rejectedCount > 0 ? 'warning' : 'info',
        subject: `Batch ${batchId} completed: ${scored} scored, ${quarantined} quarantined`,
        message: `ingestBatch ${batchId} scored ${scored} of ${inputRows} rows with ${pinned.modelName}@${pinned.modelVersion}; ${quarantined} rows quarantined, ${rejectedCount} files rejected.`,
        attributes: {
          batchId,
          workflowId,
          status: 'completed',
          inputRows,
          scored,
          quarantined,
          rejectedFiles: rejectedCount,
          modelVersion: pinned.modelVersion,
          manifestKey: manifest.manifestKey,
        },
      }),
    );
    if (lateFiles.length > 0) {
      result.unprocessedFiles = [...lateFiles];
      await bookkeeping.run('notifyLateFiles', () =>
        notify({
          event: 'batch.late-files',
          severity: 'warning',
          subject: `Batch ${batchId}: ${lateFiles.length} file(s) arrived after it stopped taking files`,
          message: `ingestBatch ${batchId} received ${lateFiles.length} file(s) through the legacy addFiles signal after intake closed; they were not processed. Resubmit them (senders using submitFiles are refused instead and move on to a follow-up batch): ${lateFiles.join(', ')}`,
          attributes: { batchId, workflowId, unprocessedFiles: lateFiles.length },
        }),
      );
    }
    if (bookkeeping.failures.length > 0) {
      result.bookkeepingFailures = bookkeeping.failures;
      const steps = bookkeeping.failures.map((f) => f.step).join(', ');
      await notify({
        event: 'batch.bookkeeping-failed',
        severity: 'warning',
        subject: `Batch ${batchId} completed, but ${steps} failed`,
        message: `ingestBatch ${batchId} scored ${scored} of ${inputRows} rows and wrote its results and manifest (${manifest.manifestKey}); afterwards these steps failed: ${bookkeeping.failures.map((f) => `${f.step} (${f.error})`).join('; ')}. Re-run them for this batch if their output is needed.`,
        attributes: { batchId, workflowId, status: 'completed', failedSteps: bookkeeping.failures.map((f) => f.step).join(',') },
      }).catch((err) => log.error('could not send the bookkeeping alert', { error: errorMessage(err) }));
    }
    progress.phase = 'completed';
    upsertSearchAttributes([{ key: searchAttributes.pipelineStage, value: 'completed' }]);
    return result;
  } catch (err) {
    intakeClosed = true;
    progress.phase = 'failed';
    // Tell the watchers even when the batch was cancelled, so this must not itself be cancelled.
    await CancellationScope.nonCancellable(async () => {
      upsertSearchAttributes([{ key: searchAttributes.pipelineStage, value: 'failed' }]);
      await notify({
        event: 'batch.failed',
        severity: 'error',
        subject: `Batch ${batchId} ${isCancellation(err) ? 'cancelled' : 'failed'}`,
        message: `ingestBatch ${batchId} ${isCancellation(err) ? 'was cancelled' : 'failed'}: ${errorMessage(err)}`,
        attributes: {
          batchId,
          workflowId,
          status: isCancellation(err) ? 'cancelled' : 'failed',
          modelVersion: model?.modelVersion ?? 'unresolved',
        },
      }).catch((notifyErr) => log.error('could not send the failure notification', { error: errorMessage(notifyErr) }));
      await recordBatchFailed({
        batchId,
        modelName: input.modelName,
        modelVersion: model?.modelVersion ?? null,
        status: isCancellation(err) ? 'cancelled' : 'failed',
      }).catch((metricErr) => log.error('could not record BatchesFailed', { error: errorMessage(metricErr) }));
    });
    throw err;
  }
}

function describeRejections(named: RejectedFileV1[], total: number): string {
  if (total === 0) return 'no files were given';
  const listed = named.map((r) => `${r.key} (${r.code}: ${r.message})`).join('; ');
  return total > named.length ? `${listed}; and ${total - named.length} more` : listed;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  patched,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ScoreShardOutput, StagedShard, ResolvedModel, PrepareSourceOutput } from '../activities/ingest/types';
import {
  AddFilesSignalV1,
  IngestBatchInputV1,
  IngestBatchResultV1,
  IngestProgressV1,
  ingestFailureTypes,
  ingestQueries,
  ingestSignals,
  RejectedFileV1,
  SourceRefV1,
  SubmitFilesResultV1,
} from '../contracts/ingest-batch';
import { searchAttributes } from '../contracts/search-attributes';
import { Semaphore } from './semaphore';
import { submitFilesUpdate, validateSubmission } from './batch-intake';
import { Bookkeeping } from './bookkeeping';
import { ingestActivities, resolveDeployment } from './ingest-activities';

export const addFilesSignal = defineSignal<[AddFilesSignalV1]>(ingestSignals.addFiles);
export const closeBatchSignal = defineSignal(ingestSignals.closeBatch);
export const progressQuery = defineQuery<IngestProgressV1>(ingestQueries.progress);
export { submitFilesUpdate };

type PreparedSource = Extract<PrepareSourceOutput, { ok: true }>;

/**
 * Validates, cleans and scores a batch of text files. Files come from the start arguments and from
 * `addFiles` signals (one open batch per S3 prefix and time window); the batch closes when the
 * window ends or on `closeBatch`, and never before every received file is processed.
 */
export async function ingestBatch(input: IngestBatchInputV1): Promise<IngestBatchResultV1> {
  const { batchId } = input;
  const startedAt = new Date().toISOString();
  const progress: IngestProgressV1 = {
    batchId,
    phase: 'resolving-model',
    files: { total: 0, prepared: 0, rejected: 0 },
    rows: { total: 0, done: 0, scored: 0, quarantined: 0 },
    shards: { total: 0, done: 0 },
  };
  const seenKeys = new Set<string>();
  const pending: SourceRefV1[] = [];
  let closed = false;
  // Set when the batch stops taking files (the intake loop ended, or the batch failed): from then
  // on submitFiles is refused, so an accepted file is always one this batch processes.
  let intakeClosed = false;
  const lateFiles: string[] = [];
  const accept = (sources: SourceRefV1[]) => {
    const result: SubmitFilesResultV1 = { batchId, accepted: [], duplicates: [] };
    for (const source of sources) {
      if (seenKeys.has(source.key)) {
        result.duplicates.push(source.key); // S3 may deliver an event twice
        continue;
      }
      seenKeys.add(source.key);
      pending.push(source);
      progress.files.total++;
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
  setHandler(progressQuery, () => progress);
  accept(input.sources);

  const setPhase = (phase: IngestProgressV1['phase']) => {
    progress.phase = phase;
    upsertSearchAttributes([{ key: searchAttributes.pipelineStage, value: phase }]);
  };

  // Where stages run, PII redaction and the retry window: the workers' deployment decides, the
  // batch's options override only explicitly.
  const { options, retry } = await resolveDeployment(input.options);
  const activities = ingestActivities(retry);
  const { writeResultsParquet, writeBatchReport, recordBatchFailed } = activities;
  const { resolveModel, prepareSource, processShard, runEtlJob, runScoringJob, finalizeBatch, notify, recordMetrics } = activities;
  const { requestTrainingIfDue, requestDriftCheckIfDue, computeBatchStatistics } = activities;

  let model: ResolvedModel | undefined;
  try {
    model = await resolveModel({ modelName: input.modelName });
    const pinned = model;
    progress.modelVersion = pinned.modelVersion;
    upsertSearchAttributes([{ key: searchAttributes.modelVersion, value: pinned.modelVersion }]);

    const prepared: PreparedSource[] = [];
    const rejectedFiles: RejectedFileV1[] = [];
    const results: ScoreShardOutput[] = [];
    const processedKeys = new Map<number, string>();
    const semaphore = new Semaphore(options.parallelism);
    let shardTasks: Array<Promise<void>> = [];
    let nextShardIndex = 0;

    const stagedShards: StagedShard[] = [];
    const recordScored = (scored: ScoreShardOutput) => {
      results.push(scored);
      progress.shards.done++;
      progress.rows.scored += scored.rows;
      progress.rows.done += scored.rows;
    };
    // In-worker stages run per shard as soon as its source is prepared; remote stages (Glue, local
    // processes, AWS Batch) run once over every shard of the batch, after the last file arrived.
    const runShard = (shard: StagedShard) =>
      semaphore.run(async () => {
        if (options.etl !== 'local') return;
        const done = await processShard({
          batchId,
          shard,
          model: pinned,
          score: options.scoring === 'worker',
          ...(options.redactPii && { redactPii: true }),
        });
        processedKeys.set(done.index, done.processedKey);
        if (done.scored) recordScored(done.scored);
      });

    const windowEnds = Date.now() + options.windowMs;
    for (;;) {
      while (pending.length > 0) {
        setPhase('preparing');
        const source = pending.shift() as SourceRefV1;
        const outcome = await prepareSource({
          batchId,
          sourceIndex: prepared.length + rejectedFiles.length,
          source,
          shardSize: options.shardSize,
          firstShardIndex: nextShardIndex,
          columns: options.columns,
          maxRecordBytes: options.maxRecordBytes,
        });
        if (!outcome.ok) {
          rejectedFiles.push(outcome.rejected);
          progress.files.rejected++;
          continue;
        }
        prepared.push(outcome);
        progress.files.prepared++;
        progress.rows.total += outcome.inputRows;
        progress.rows.quarantined += outcome.quarantined;
        progress.rows.done += outcome.quarantined;
        progress.shards.total += outcome.shards.length;
        nextShardIndex += outcome.shards.length;
        setPhase('processing');
        stagedShards.push(...outcome.shards);
        shardTasks.push(...outcome.shards.map(runShard));
      }
      const running = shardTasks;
      shardTasks = [];
      await Promise.all(running);
      if (pending.length > 0) continue;
      const remaining = windowEnds - Date.now();
      if (closed || remaining <= 0) {
        intakeClosed = true;
        break;
      }
      setPhase('waiting-for-files');
      await condition(() => pending.length > 0 || closed, remaining);
    }

    if (prepared.length === 0) {
      throw ApplicationFailure.create({
        type: ingestFailureTypes.noValidInput,
        nonRetryable: true,
        message: `batch ${batchId} has no readable input: ${describeRejections(rejectedFiles)}`,
      });
    }

    if (options.etl === 'glue' && stagedShards.length > 0) {
      const { processedKeys: keys } = await runEtlJob({
        batchId,
        shards: stagedShards,
        model: pinned,
        ...(options.redactPii && { redactPii: true }),
      });
      stagedShards.forEach((shard, i) => processedKeys.set(shard.index, keys[i]));
    }
    if (options.scoring !== 'worker' && stagedShards.length > 0) {
      const shards = stagedShards.map((s) => ({ index: s.index, processedKey: processedKeys.get(s.index) as string }));
      (await runScoringJob({ batchId, shards, model: pinned })).forEach(recordScored);
    }

    setPhase('finalizing');
    const inputRows = sum(prepared.map((p) => p.inputRows));
    const quarantined = sum(prepared.map((p) => p.quarantined));
    const scored = sum(results.map((r) => r.rows));
    if (inputRows !== scored + quarantined) {
      throw ApplicationFailure.create({
        type: ingestFailureTypes.reconciliationFailed,
        nonRetryable: true,
        message: `batch ${batchId} does not reconcile: ${inputRows} input rows != ${scored} scored + ${quarantined} quarantined`,
      });
    }
    results.sort((a, b) => a.index - b.index);
    const { manifestKey } = await finalizeBatch({ batchId, model: pinned, startedAt, sources: prepared, rejectedFiles, results });

    const predictedCounts: Record<string, number> = {};
    for (const r of results)
      for (const [label, n] of Object.entries(r.predictedCounts)) predictedCounts[label] = (predictedCounts[label] ?? 0) + n;
    const result: IngestBatchResultV1 = {
      version: 1,
      batchId,
      status: 'completed',
      modelName: pinned.modelName,
      modelVersion: pinned.modelVersion,
      inputRows,
      scored,
      quarantined,
      predictedCounts,
      resultKeys: results.map((r) => r.resultKey),
      quarantineKeys: prepared.flatMap((p) => (p.quarantineKey ? [p.quarantineKey] : [])),
      rejectedFiles,
      manifestKey,
    };
    upsertSearchAttributes([
      { key: searchAttributes.documentCount, value: inputRows },
      { key: searchAttributes.quarantinedCount, value: quarantined },
    ]);
    // From here on the batch's results are complete: a step that fails is recorded, not fatal.
    const bookkeeping = new Bookkeeping();
    await bookkeeping.run('recordMetrics', () =>
      recordMetrics({ batchId, model: pinned, inputRows, scored, quarantined, predictedCounts, startedAt }),
    );
    await bookkeeping.run('computeBatchStatistics', () =>
      computeBatchStatistics({
        batchId,
        processedKeys: results.map((r) => processedKeys.get(r.index) as string),
        resultKeys: result.resultKeys,
        modelName: pinned.modelName,
        modelVersion: pinned.modelVersion,
        quarantined,
      }),
    );
    if (patched('lake-and-reports')) {
      // The data lake's Parquet parts are part of the results: writing them is not bookkeeping.
      const lake = await writeResultsParquet({ batchId });
      // A report that cannot be drawn must not fail a batch whose results are stored.
      const report = await writeBatchReport({ batchId }).catch((err) => {
        log.warn('batch report not written', { batchId, error: errorMessage(err) });
        return undefined;
      });
      upsertMemo({ manifest: manifestKey, lake: lake.indexKey, ...(report && { report: report.key }) });
    }
    if (options.driftCheckEveryBatches) {
      await bookkeeping.run('requestDriftCheckIfDue', () =>
        requestDriftCheckIfDue({
          modelName: pinned.modelName,
          batchId,
          everyBatches: options.driftCheckEveryBatches as number,
          window: options.driftWindowBatches,
        }),
      );
    }
    const labelledRows = sum(prepared.map((p) => p.labelled));
    if (options.retrainAfterLabelledRows && labelledRows > 0) {
      // Counted once the rows are staged (continuousTraining reads them from staged/).
      await bookkeeping.run('requestTrainingIfDue', () =>
        requestTrainingIfDue({ modelName: pinned.modelName, batchId, labelledRows, threshold: options.retrainAfterLabelledRows as number }),
      );
    }
    await bookkeeping.run('notify', () =>
      notify({
        event: 'batch.completed',
        severity: quarantined > 0 || rejectedFiles.length > 0 ? 'warning' : 'info',
        subject: `Batch ${batchId} completed: ${scored} scored, ${quarantined} quarantined`,
        message: `ingestBatch ${batchId} scored ${scored} of ${inputRows} rows with ${pinned.modelName}@${pinned.modelVersion}; ${quarantined} rows quarantined, ${rejectedFiles.length} files rejected.`,
        attributes: {
          batchId,
          workflowId: workflowInfo().workflowId,
          status: 'completed',
          inputRows,
          scored,
          quarantined,
          rejectedFiles: rejectedFiles.length,
          modelVersion: pinned.modelVersion,
          manifestKey,
        },
      }),
    );
    if (lateFiles.length > 0 && patched('late-file-alert')) {
      result.unprocessedFiles = [...lateFiles];
      await bookkeeping.run('notifyLateFiles', () =>
        notify({
          event: 'batch.late-files',
          severity: 'warning',
          subject: `Batch ${batchId}: ${lateFiles.length} file(s) arrived after it stopped taking files`,
          message: `ingestBatch ${batchId} received ${lateFiles.length} file(s) through the legacy addFiles signal after intake closed; they were not processed. Resubmit them (senders using submitFiles are refused instead and move on to a follow-up batch): ${lateFiles.join(', ')}`,
          attributes: { batchId, workflowId: workflowInfo().workflowId, unprocessedFiles: lateFiles.length },
        }),
      );
    }
    if (bookkeeping.failures.length > 0) {
      result.bookkeepingFailures = bookkeeping.failures;
      await notify({
        event: 'batch.bookkeeping-failed',
        severity: 'warning',
        subject: `Batch ${batchId} completed, but ${bookkeeping.failures.map((f) => f.step).join(', ')} failed`,
        message: `ingestBatch ${batchId} scored ${scored} of ${inputRows} rows and wrote its results and manifest (${manifestKey}); afterwards these steps failed: ${bookkeeping.failures.map((f) => `${f.step} (${f.error})`).join('; ')}. Re-run them for this batch if their output is needed.`,
        attributes: {
          batchId,
          workflowId: workflowInfo().workflowId,
          status: 'completed',
          failedSteps: bookkeeping.failures.map((f) => f.step).join(','),
        },
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
          workflowId: workflowInfo().workflowId,
          status: isCancellation(err) ? 'cancelled' : 'failed',
          modelVersion: model?.modelVersion ?? 'unresolved',
        },
      }).catch((notifyErr) => log.error('could not send the failure notification', { error: errorMessage(notifyErr) }));
      if (patched('batches-failed-metric')) {
        await recordBatchFailed({
          batchId,
          modelName: input.modelName,
          modelVersion: model?.modelVersion ?? null,
          status: isCancellation(err) ? 'cancelled' : 'failed',
        }).catch((metricErr) => log.error('could not record BatchesFailed', { error: errorMessage(metricErr) }));
      }
    });
    throw err;
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function describeRejections(rejected: RejectedFileV1[]): string {
  if (rejected.length === 0) return 'no files were given';
  return rejected.map((r) => `${r.key} (${r.code}: ${r.message})`).join('; ');
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

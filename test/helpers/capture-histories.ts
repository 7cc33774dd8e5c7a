/**
 * `npm run capture:histories`: runs every workflow type once for real, on a fresh Temporal dev
 * server with the test payload keys, and saves each history as
 * test/fixtures/histories/<workflowType>.json (historyToJSON format, the one `temporal workflow
 * show --output json` prints). test/replay/ replays them against the current workflow code in
 * every `npm test`, so a change that would break running workflows fails CI. Recapture only when
 * a workflow changed on purpose and old runs are handled (patched(), see docs/replay.md).
 *
 * The payloads in these files are encrypted (the test codec is on the server's clients and
 * workers); a canary planted in the documents and in an object key proves no plaintext is kept.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { driftCorrectionInput } from '../../src/activities/drift/request-drift-check';
import { signalWithStartTraining } from '../../src/activities/training/submit-training';
import { ingestWorkflowId } from '../../src/client/ingest';
import { closeBatchSignal, submitFilesUpdate } from '../../src/workflows/ingest-batch';
import type { IngestOptionsV1, SourceRefV1 } from '../../src/contracts/ingest-batch';
import { buildIngestOptions, startIngestBatch } from '../../src/starters';
import { loadSettings } from '../../src/config/settings';
import {
  MANUAL_PROMOTION_WORKFLOW,
  manualPromotionWorkflowId,
  SCHEDULED_TRAINING_WORKFLOW,
  trainingWorkflowId,
  type ManualPromotionInputV1,
  type ScheduledTrainingInputV1,
} from '../../src/contracts/continuous-training';
import { driftWorkflowId, SCHEDULED_DRIFT_CHECK_WORKFLOW, type ScheduledDriftCheckInputV1 } from '../../src/contracts/drift-correction';
import { buildTrainingInput } from '../../src/training/training-input';
import type { AlertClosedRunsInput, AlertClosedRunsOutput } from '../../src/activities/telemetry/closed-runs';
import { CLOSED_RUN_LOOKBACK_MS, CLOSED_RUN_WATCH_WORKFLOW } from '../../src/telemetry/closed-run-schedule';
import { repoRoot } from '../../src/util/repo-root';
import { messagesToCsv, sampleMessages } from './corpus';
import { pipelineFixture, teardownSharedEnv } from './temporal-env';

export const HISTORY_FIXTURES = path.join(repoRoot(), 'test', 'fixtures', 'histories');
/** Planted in the captured documents and in the first source key; never in a fixture. */
export const FIXTURE_CANARY = 'zq81canary';
export const FIXTURE_CANARY_KEY = 'raw/canary-zq81/messages.csv';
const MODEL = 'fixture';

/**
 * Saves a run's history as <workflowType>.json, or <workflowType>-<branch>.json for the fixtures
 * of a workflow's other branches. `ending` is how the run must have ended.
 */
async function save(
  client: Client,
  workflowId: string,
  runId?: string,
  branch?: string,
  ending: 'COMPLETED' | 'FAILED' | 'CONTINUED_AS_NEW' = 'COMPLETED',
): Promise<string> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const description = await handle.describe();
  if (description.status.name !== ending) throw new Error(`${workflowId} ended ${description.status.name}, not ${ending}`);
  const history = await handle.fetchHistory();
  const json = JSON.stringify(JSON.parse(historyToJSON(history)), null, 1) + '\n';
  const plainCanary = [FIXTURE_CANARY, 'canary-zq81'].find((c) => json.includes(c));
  if (plainCanary) throw new Error(`${workflowId}: the history holds plaintext (${plainCanary}); is the codec on?`);
  const file = path.join(HISTORY_FIXTURES, `${description.type}${branch ? `-${branch}` : ''}.json`);
  await fs.writeFile(file, json);
  return file;
}

export async function captureHistories(log: (line: string) => void): Promise<string[]> {
  const settings = loadSettings({});
  const fx = await pipelineFixture();
  const worker = await fx.newWorker();
  const running = worker.run();
  const client = fx.env.client;
  const files: string[] = [];
  try {
    await fs.mkdir(HISTORY_FIXTURES, { recursive: true });
    const messages = sampleMessages(400, 300).map((m, i) => ({ ...m, body: `${m.body}\n${FIXTURE_CANARY}${i}` }));
    await fx.deps.store.put('raw/capture/training.csv', messagesToCsv(messages.slice(0, 300)));
    await fx.deps.store.put(FIXTURE_CANARY_KEY, messagesToCsv(messages.slice(300)));
    const training = (data: { keys?: string[]; prefixes?: string[] }, requestId: string) =>
      buildTrainingInput({
        modelName: MODEL,
        requestId,
        data,
        maxRecordBytes: settings.pipeline.maxRecordBytes,
        reason: 'fixture capture',
      });

    log('continuousTraining: first model');
    const trained = await signalWithStartTraining(client, fx.taskQueue, training({ keys: ['raw/capture/training.csv'] }, 'capture-1'));
    await trained.result();
    files.push(await save(client, trainingWorkflowId(MODEL)));

    log('ingestBatch (asks for a drift check: driftCorrection)');
    const batchId = 'capture-batch';
    // As the CLI starts it (memo, search attributes), with explicit overrides of the deployment's
    // settings: small shards, no training trigger, and a drift check only where asked.
    const ingest = (id: string, sources: SourceRefV1[], overrides: Partial<IngestOptionsV1> = {}) =>
      startIngestBatch(client, fx.taskQueue, {
        version: 1,
        batchId: id,
        modelName: MODEL,
        sources,
        options: buildIngestOptions({ shardSize: 40, driftCheckEveryBatches: 0, retrainAfterLabelledRows: 0, ...overrides }),
      });
    const batch = await ingest(batchId, [{ key: FIXTURE_CANARY_KEY }], { parallelism: 2, driftCheckEveryBatches: 1 });
    await batch.result();
    files.push(await save(client, ingestWorkflowId(batchId)));
    files.push(await save(client, `${ingestWorkflowId(batchId)}-range-0000`));
    await client.workflow.getHandle(driftWorkflowId(MODEL)).result();
    files.push(await save(client, driftWorkflowId(MODEL)));

    log('ingestBatch branches: scoring in local processes (the AWS Batch placement), the intake window with submitFiles, a failure');
    await fx.deps.store.put('raw/capture/late.csv', messagesToCsv(messages.slice(300, 360)));
    const placed = await ingest('capture-batch-placement', [{ key: 'raw/capture/late.csv' }], { placement: { scoring: 'local' } });
    await placed.result();
    files.push(await save(client, placed.workflowId, undefined, 'batch-placement'));
    files.push(await save(client, `${placed.workflowId}-range-0000`, undefined, 'remote-scoring'));
    const windowed = await ingest('capture-batch-window', [{ key: 'raw/capture/late.csv' }], { windowMs: 120_000 });
    // One new file and one it already has (a redelivered S3 event).
    await windowed.executeUpdate(submitFilesUpdate, {
      args: [{ sources: [{ key: FIXTURE_CANARY_KEY }, { key: 'raw/capture/late.csv' }] }],
    });
    await windowed.signal(closeBatchSignal);
    await windowed.result();
    files.push(await save(client, windowed.workflowId, undefined, 'intake-window'));
    await fx.deps.store.put('raw/capture/empty.csv', '');
    const failed = await ingest('capture-batch-failed', [{ key: 'raw/capture/empty.csv' }]);
    await failed.result().catch(() => undefined);
    files.push(await save(client, failed.workflowId, undefined, 'failed', 'FAILED'));

    log('closedRunWatch (alerts once on a terminated batch)');
    const terminated = await ingest('capture-batch-terminated', [{ key: 'raw/capture/late.csv' }], { windowMs: 600_000 });
    await terminated.terminate('fixture capture: a batch stopped from outside');
    // Visibility is eventually consistent: wait until the watcher's query can find the run.
    const query = `WorkflowType = 'ingestBatch' AND ExecutionStatus = 'Terminated'`;
    for (let i = 0; i < 100; i++) {
      let found = false;
      for await (const w of client.workflow.list({ query })) found ||= w.workflowId === terminated.workflowId;
      if (found) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const watch: AlertClosedRunsInput = { lookbackMs: CLOSED_RUN_LOOKBACK_MS };
    const watched: AlertClosedRunsOutput = await client.workflow.execute(CLOSED_RUN_WATCH_WORKFLOW, {
      taskQueue: fx.taskQueue,
      workflowId: 'closed-run-watch-fixture',
      args: [watch],
    });
    if (watched.alerted.length !== 1)
      throw new Error(`closedRunWatch alerted ${watched.alerted.length} runs, expected the terminated batch`);
    files.push(await save(client, 'closed-run-watch-fixture'));

    log('scheduledDriftCheck (hands a request to driftCorrection)');
    const driftFire: ScheduledDriftCheckInputV1 = {
      version: 1,
      scheduleId: 'drift-schedule-fixture',
      check: driftCorrectionInput({ modelName: MODEL, trigger: 'schedule', reason: 'fixture capture', window: 1 }),
    };
    await client.workflow.execute(SCHEDULED_DRIFT_CHECK_WORKFLOW, {
      taskQueue: fx.taskQueue,
      workflowId: 'drift-schedule-fixture-fire',
      args: [driftFire],
    });
    files.push(await save(client, 'drift-schedule-fixture-fire'));
    await client.workflow.getHandle(driftWorkflowId(MODEL)).result();

    log('scheduledTraining (hands a request to continuousTraining: a second version)');
    const trainingFire: ScheduledTrainingInputV1 = {
      version: 1,
      scheduleId: 'train-fixture-schedule',
      training: training({ keys: ['raw/capture/training.csv', FIXTURE_CANARY_KEY] }, 'capture-2'),
    };
    await client.workflow.execute(SCHEDULED_TRAINING_WORKFLOW, {
      taskQueue: fx.taskQueue,
      workflowId: 'train-fixture-schedule-fire',
      args: [trainingFire],
    });
    files.push(await save(client, 'train-fixture-schedule-fire'));
    const second = await client.workflow.getHandle(trainingWorkflowId(MODEL)).result();
    // The second version had a champion: its run evaluated the champion on the same held-out rows.
    files.push(await save(client, trainingWorkflowId(MODEL), undefined, 'champion'));

    log('continuousTraining branches: tuning, and a request arriving mid-run (a follow-up: continue-as-new)');
    const tunedModel = `${MODEL}-tuned`;
    const tuned = await signalWithStartTraining(client, fx.taskQueue, {
      ...training({ keys: ['raw/capture/training.csv'] }, 'capture-tune'),
      modelName: tunedModel,
      request: { ...training({ keys: ['raw/capture/training.csv'] }, 'capture-tune').request, tune: true },
      tuningBudget: 2,
      tuning: { folds: 2, parallelism: 2, maxRows: 200 },
    });
    const firstRunId = tuned.signaledRunId;
    await signalWithStartTraining(client, fx.taskQueue, {
      ...training({ keys: [FIXTURE_CANARY_KEY] }, 'capture-follow-up'),
      modelName: tunedModel,
    });
    await client.workflow.getHandle(trainingWorkflowId(tunedModel)).result();
    files.push(await save(client, trainingWorkflowId(tunedModel), firstRunId, 'tuning-follow-up', 'CONTINUED_AS_NEW'));

    log('manualPromotion');
    const promotion: ManualPromotionInputV1 = second.promoted
      ? { version: 1, modelName: MODEL, action: 'rollback', reason: 'fixture capture' }
      : { version: 1, modelName: MODEL, action: 'promote', targetVersion: second.modelVersion, reason: 'fixture capture' };
    await client.workflow.execute(MANUAL_PROMOTION_WORKFLOW, {
      taskQueue: fx.taskQueue,
      workflowId: manualPromotionWorkflowId(MODEL),
      args: [promotion],
    });
    files.push(await save(client, manualPromotionWorkflowId(MODEL)));
    return files;
  } finally {
    worker.shutdown();
    await running;
    fx.cleanup();
  }
}

if (require.main === module) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  captureHistories((line) => process.stderr.write(`capture: ${line}\n`))
    .then(async (files) => {
      for (const f of files) process.stdout.write(`${path.relative(repoRoot(), f)}\n`);
      await teardownSharedEnv();
    })
    .catch(async (err) => {
      process.stderr.write(`capture failed: ${(err as Error).stack ?? String(err)}\n`);
      await teardownSharedEnv().catch(() => undefined);
      process.exit(1);
    });
}

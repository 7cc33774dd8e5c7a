import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection, WorkflowFailedError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { signalDriftCheck } from '../../src/activities/drift/request-drift-check';
import { lakeIndexKey } from '../../src/activities/lake';
import { signalWithStartTraining } from '../../src/activities/training/submit-training';
import { startIngest } from '../../src/client/ingest';
import { loadSettings, type Settings } from '../../src/config/settings';
import type { IngestBatchInputV1 } from '../../src/contracts/ingest-batch';
import { layout } from '../../src/pipeline/layout';
import { buildTrainingInput } from '../../src/training/training-input';
import { decodePayload, testCodecEnv } from '../helpers/codec';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const run = promisify(execFile);
const CANARY_KEY = 'raw/canary-zq81/file.csv';
const CANARY_TEXT = 'zq81canarytext';

type Payload = temporal.api.common.v1.IPayload;

/** Every payload of a history with where it sits (search attributes are never encoded by codecs). */
function payloads(value: unknown, at = ''): Array<{ at: string; payload: Payload }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => payloads(v, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return [];
  const o = value as Record<string, unknown>;
  const own = o.metadata && typeof o.metadata === 'object' && 'encoding' in (o.metadata as object) ? [{ at, payload: o as Payload }] : [];
  return own.concat(Object.entries(o).flatMap(([k, v]) => (k === 'metadata' ? [] : payloads(v, `${at}.${k}`))));
}

describe('payload encryption and visibility on a real Temporal server', function () {
  this.timeout(180_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;
  let settings: Settings;
  let modelVersion: string;
  let batchId: string;
  let workflowId: string;

  before(async () => {
    fx = await pipelineFixture();
    modelVersion = await seedModel(fx.deps.registry, 'enc');
    const base = loadSettings({});
    settings = {
      ...base,
      temporal: { ...base.temporal, taskQueue: fx.taskQueue },
      pipeline: { ...base.pipeline, driftCheckEveryBatches: 0 },
    };
    worker = await fx.newWorker();
    running = worker.run();
    const messages = sampleMessages(60, 1200).map((m, i) => ({ ...m, body: `${m.body} ${CANARY_TEXT}${i}` }));
    await fx.deps.store.put(CANARY_KEY, messagesToCsv(messages));
    batchId = `enc-${Date.now().toString(36)}`;
    const handle = await startIngest(fx.env.client, settings, { batchId, modelName: 'enc', sources: [{ key: CANARY_KEY }] });
    workflowId = handle.workflowId;
    const result = await handle.result();
    assert.equal(result.scored, 60);
  });
  after(async () => {
    worker.shutdown();
    await running;
    fx.cleanup();
  });

  it('stores only ciphertext: the raw history holds neither the documents, nor the canary key, nor any plain payload', async () => {
    // A bare connection, no data converter and no plugin: exactly what the server keeps.
    const connection = await Connection.connect({ address: fx.env.address });
    try {
      const response = await connection.workflowService.getWorkflowExecutionHistory({
        namespace: fx.env.namespace ?? 'default',
        execution: { workflowId },
      });
      const events = response.history?.events ?? [];
      assert.ok(events.length > 10);
      const raw = JSON.stringify(response.history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      for (const secret of [CANARY_TEXT, 'canary-zq81']) assert.ok(!raw.includes(secret), `raw history contains ${secret}`);
      const found = payloads(response.history);
      // The SDK records a patch marker (workflow versioning, `patched()`) with the default converter,
      // past the codec: its only content is the patch id from the workflow code. Allowed exactly so.
      const patches = found.filter((p) => p.at.includes('.markerRecordedEventAttributes.details.patch-data.'));
      for (const { at, payload } of patches) {
        assert.equal(Buffer.from(payload.metadata?.encoding ?? []).toString(), 'json/plain', at);
        const marker = JSON.parse(Buffer.from(payload.data ?? []).toString()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(marker).sort(), ['deprecated', 'id'], at);
        assert.match(String(marker.id), /^[a-z-]+$/, at);
      }
      const encoded = found.filter((p) => !p.at.includes('.searchAttributes.') && !patches.includes(p));
      assert.ok(encoded.length >= 10, `${encoded.length} payloads`);
      for (const { at, payload } of encoded) {
        assert.equal(Buffer.from(payload.metadata?.encoding ?? []).toString(), 'binary/encrypted', at);
        assert.equal(Buffer.from(payload.metadata?.['encryption-key-id'] ?? []).toString(), 'test-2', at);
      }
      assert.ok(
        encoded.some((p) => p.at.includes('.memo.')),
        'the memo is encrypted too',
      );
      // The codec decodes it: the start input names the canary key.
      const started = events[0].workflowExecutionStartedEventAttributes;
      const input = await decodePayload<IngestBatchInputV1>(started?.input?.payloads?.[0]);
      assert.equal(input.sources[0].key, CANARY_KEY);
      assert.equal(await decodePayload<string>(started?.memo?.fields?.firstFile), CANARY_KEY);
    } finally {
      await connection.close();
    }
  });

  it('encrypts failures too: a batch failing with the canary key in its message leaves no plaintext message or stack', async () => {
    // A missing file: the batch fails with NoValidInput, whose message names the key (and the
    // prepareSource attempt's ActivityTaskFailed carries a stack trace).
    const failingKey = 'raw/canary-zq81/absent-file.csv';
    const failingBatch = `encf-${Date.now().toString(36)}`;
    const handle = await startIngest(fx.env.client, settings, { batchId: failingBatch, modelName: 'enc', sources: [{ key: failingKey }] });
    const err = await handle.result().then(
      () => assert.fail('the batch should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    // Through the codec client the message is readable again.
    assert.match((err.cause as Error).message, /raw\/canary-zq81\/absent-file\.csv/);
    const connection = await Connection.connect({ address: fx.env.address });
    try {
      const response = await connection.workflowService.getWorkflowExecutionHistory({
        namespace: fx.env.namespace ?? 'default',
        execution: { workflowId: handle.workflowId },
      });
      const events = response.history?.events ?? [];
      const failed = events.find((e) => e.workflowExecutionFailedEventAttributes);
      assert.ok(failed, 'the run failed');
      const failure = failed.workflowExecutionFailedEventAttributes?.failure;
      assert.equal(failure?.message, 'Encoded failure', 'the message the server keeps is a placeholder');
      assert.equal(Buffer.from(failure?.encodedAttributes?.metadata?.encoding ?? []).toString(), 'binary/encrypted');
      const raw = JSON.stringify(response.history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      assert.ok(!raw.includes('canary-zq81'), 'the raw history names the canary key in clear');
      assert.ok(!/at\s+\S+\s+\(/.test(raw) && !raw.includes('.js:'), 'a stack trace sits in the raw history in clear');
    } finally {
      await connection.close();
    }
  });

  it('reads memo and search attributes back through the codec client', async () => {
    const description = await fx.env.client.workflow.getHandle(workflowId).describe();
    assert.deepEqual(description.memo, {
      files: 1,
      firstFile: CANARY_KEY,
      // Upserted at the end: where the batch's manifest, Parquet index and report are.
      manifest: layout.manifest(batchId),
      lake: lakeIndexKey(batchId),
      report: layout.batchReport(batchId),
    });
    const attrs = Object.fromEntries(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    assert.equal(attrs.BatchId, batchId);
    assert.equal(attrs.ModelName, 'enc');
    assert.equal(attrs.ModelVersion, modelVersion);
    assert.equal(attrs.PipelineStage, 'completed');
    assert.equal(attrs.DocumentCount, 60);
    assert.equal(attrs.QuarantinedCount, 0);
  });

  it('finds the batch with `nlp-batch list --query` by ModelVersion and BatchId', async () => {
    const cli = path.resolve(__dirname, '../../src/client/cli.js');
    const env = { ...process.env, ...testCodecEnv, TEMPORAL_ADDRESS: fx.env.address, TEMPORAL_EMBEDDED: 'false', DATA_DIR: fx.dir };
    const list = async (query: string) =>
      (await run(process.execPath, [cli, 'list', '--query', query, '--limit', '1000', '--json'], { env, timeout: 60_000 })).stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              workflowId: string;
              type: string;
              status: string;
              searchAttributes: Record<string, unknown>;
              memo: Record<string, unknown>;
            },
        );

    // Visibility is eventually consistent: the closed run shows up within moments.
    let rows = await list(`BatchId = '${batchId}' AND ModelVersion = '${modelVersion}'`);
    for (let i = 0; rows.length === 0 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 500));
      rows = await list(`BatchId = '${batchId}' AND ModelVersion = '${modelVersion}'`);
    }
    assert.equal(rows.length, 1);
    assert.equal(rows[0].workflowId, workflowId);
    assert.equal(rows[0].type, 'ingestBatch');
    assert.equal(rows[0].status, 'COMPLETED');
    assert.equal(rows[0].searchAttributes.ModelVersion, modelVersion);
    assert.equal(rows[0].searchAttributes.DocumentCount, 60);
    assert.deepEqual(rows[0].memo.firstFile, CANARY_KEY, 'the memo, decrypted by the CLI');
    assert.equal(rows[0].memo.report, layout.batchReport(batchId));

    assert.ok((await list(`ModelVersion = '${modelVersion}'`)).some((r) => r.workflowId === workflowId));
    assert.ok(!(await list(`ModelVersion = 'v999'`)).some((r) => r.workflowId === workflowId));
    assert.ok(!(await list(`BatchId = '${batchId}-other'`)).some((r) => r.workflowId === workflowId));
  });

  it('gives continuousTraining and driftCorrection starts a memo summarising their input', async () => {
    const model = `memo${Date.now().toString(36)}`;
    // Another task queue with no worker: the runs just wait, their start is what is checked.
    const idle = `idle-${fx.taskQueue}`;
    const training = await signalWithStartTraining(
      fx.env.client,
      idle,
      buildTrainingInput({
        modelName: model,
        requestId: 'memo-1',
        data: { keys: [CANARY_KEY], prefixes: ['staged/'] },
        maxRecordBytes: 1024,
        reason: 'memo test',
        tune: true,
      }),
    );
    const drift = await signalDriftCheck(fx.env.client, {
      taskQueue: idle,
      modelName: model,
      trigger: 'manual',
      reason: 'memo test',
      window: 3,
    });
    try {
      assert.deepEqual((await training.describe()).memo, {
        trigger: 'manual',
        reason: 'memo test',
        tune: true,
        files: 1,
        firstFile: CANARY_KEY,
        prefixes: ['staged/'],
      });
      assert.deepEqual((await drift.describe()).memo, { trigger: 'manual', reason: 'memo test', window: 3, batchId: null });
    } finally {
      await training.terminate('memo test done').catch(() => undefined);
      await drift.terminate('memo test done').catch(() => undefined);
    }
  });
});

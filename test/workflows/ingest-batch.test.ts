import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { WorkflowFailedError } from '@temporalio/client';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { ingestQueries, IngestBatchResultV2, IngestProgressV1, SourceRefV1 } from '../../src/contracts/ingest-batch';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { trainingWorkflowId } from '../../src/contracts/continuous-training';
import { loadSettings } from '../../src/config/settings';
import { parseJsonl } from '../../src/pipeline/jsonl';
import { layout } from '../../src/pipeline/layout';
import type { ResultRecord } from '../../src/pipeline/records';
import { ingestBatch, addFilesSignal, closeBatchSignal } from '../../src/workflows/ingest-batch';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { decodePayload } from '../helpers/codec';
import { pipelineFixture, PipelineFixture } from '../helpers/temporal-env';
import { readQuarantine, readResultRecords } from '../helpers/batch-results';

const settings = loadSettings({});

describe('ingestBatch on a real Temporal server', function () {
  this.timeout(180_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker | undefined;
  let running: Promise<void> | undefined;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'spam');
  });
  after(() => fx.cleanup());

  async function startWorker() {
    worker = await fx.newWorker();
    running = worker.run();
  }
  async function stopWorker() {
    worker?.shutdown();
    await running;
    worker = undefined;
  }
  beforeEach(startWorker);
  afterEach(stopWorker);

  let counter = 0;
  function start(sources: SourceRefV1[], overrides: Partial<ReturnType<typeof ingestOptions>> = {}) {
    const batchId = `t${Date.now()}-${counter++}`;
    return fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'spam',
          sources,
          options: ingestOptions(settings, { shardSize: 50, parallelism: 2, driftCheckEveryBatches: 0, ...overrides }),
        },
      ],
    });
  }

  async function countKeys(prefix: string): Promise<number> {
    let n = 0;
    for await (const object of fx.deps.store.list(prefix)) if (object.key.endsWith('.jsonl')) n++;
    return n;
  }

  const readResults = (result: IngestBatchResultV2): Promise<ResultRecord[]> => readResultRecords(fx.deps.store, result);

  it('scores good rows, quarantines bad ones with their reason, and reconciles', async () => {
    const good = sampleMessages(120);
    const csv =
      messagesToCsv(good.slice(0, 60)) +
      '"bad-1","a title","text with "stray" quotes","spam"\r\n' + // malformed quoting
      '"bad-2","only two columns"\r\n' + // wrong column count
      '"bad-3","title","   ","ham"\r\n' + // empty text
      messagesToCsv(good.slice(60)).split('\r\n').slice(1).join('\r\n');
    await fx.deps.store.put('raw/t/mixed.csv', csv);
    const result = await (await start([{ key: 'raw/t/mixed.csv' }])).result();

    assert.equal(result.inputRows, 123);
    assert.equal(result.scored, 120);
    assert.equal(result.quarantined, 3);
    assert.equal(result.inputRows, result.scored + result.quarantined);
    const results = await readResults(result);
    assert.deepEqual(results.map((r) => r.id).sort(), good.map((m) => m.id).sort());
    for (const r of results) {
      assert.ok(['spam', 'ham'].includes(r.predictedLabel));
      assert.equal(r.modelVersion, result.modelVersion);
      assert.ok(Math.abs(Object.values(r.probabilities).reduce((a, b) => a + b, 0) - 1) < 1e-9);
    }
    const accuracy = results.filter((r) => r.predictedLabel === r.label).length / results.length;
    assert.ok(accuracy > 0.85, `accuracy ${accuracy}`);

    assert.equal(result.quarantineFiles, 1);
    const quarantine = await readQuarantine(fx.deps.store, result);
    assert.deepEqual(quarantine.map((q) => q.reason).sort(), ['empty_text', 'malformed_quoting', 'wrong_column_count']);
    assert.ok(quarantine.every((q) => q.source.key === 'raw/t/mixed.csv' && q.source.line > 0));

    const manifest = JSON.parse((await fx.deps.store.get(result.manifestKey)).toString());
    assert.deepEqual(manifest.counts, { inputRows: 123, scored: 120, quarantined: 3, rejectedFiles: 0 });
    assert.equal(manifest.parts.length, result.resultParts);
    assert.equal(manifest.parts.length, 3); // 120 rows in shards of 50
    const notifications = (await fs.readFile(fx.notificationsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(notifications.some((n) => n.event === 'batch.completed' && n.attributes.batchId === result.batchId));
  });

  it('scores through local processes, the AWS Batch stand-in, with the same results as in the worker', async () => {
    await fx.deps.store.put('raw/modes/a.csv', messagesToCsv(sampleMessages(90, 300)));
    const inWorker = await (await start([{ key: 'raw/modes/a.csv' }], { placement: { scoring: 'worker' } })).result();
    const inProcesses = await (await start([{ key: 'raw/modes/a.csv' }], { placement: { scoring: 'local' } })).result();
    assert.equal(inProcesses.scored, 90);
    assert.deepEqual(inProcesses.predictedCounts, inWorker.predictedCounts);
    const byId = new Map((await readResults(inWorker)).map((r) => [r.id, r]));
    for (const r of await readResults(inProcesses)) {
      assert.equal(r.predictedLabel, byId.get(r.id)?.predictedLabel);
      assert.deepEqual(r.probabilities, byId.get(r.id)?.probabilities);
    }
    // The job's spec went through the store (claim check), not through the history.
    assert.ok(await fx.deps.store.head(`jobs/${inProcesses.batchId}/range-0000-scoring.json`));
  });

  it('redacts phone numbers before cleaning when asked, and only then', async () => {
    await fx.deps.store.put('raw/pii/a.txt', 'call me at +1 (555) 010-0199 about the invoice\nthe meeting is at noon\n');
    const plain = await (await start([{ key: 'raw/pii/a.txt' }])).result();
    const redacted = await (await start([{ key: 'raw/pii/a.txt' }], { redactPii: true })).result();
    const processed = async (batchId: string) => (await fx.deps.store.get(`processed/${batchId}/shard-00000.jsonl`)).toString();
    assert.match(await processed(plain.batchId), /0100199|010 0199/);
    const cleaned = await processed(redacted.batchId);
    assert.doesNotMatch(cleaned, /555|0199/);
    assert.match(cleaned, /invoice/);
    assert.equal(redacted.scored, 2);
  });

  it('adds a file signalled into a running batch', async () => {
    const first = sampleMessages(30, 0);
    const second = sampleMessages(20, 500);
    await fx.deps.store.put('raw/sig/a.csv', messagesToCsv(first));
    await fx.deps.store.put('raw/sig/b.csv', messagesToCsv(second));
    const handle = await start([{ key: 'raw/sig/a.csv' }], { windowMs: 120_000 });
    await handle.signal(addFilesSignal, { sources: [{ key: 'raw/sig/b.csv' }, { key: 'raw/sig/a.csv' }] });
    await handle.signal(closeBatchSignal);
    const result = await handle.result();
    assert.equal(result.inputRows, 50);
    assert.equal(result.scored, 50);
    const ids = (await readResults(result)).map((r) => r.id);
    assert.equal(new Set(ids).size, 50);
  });

  it('finishes with no row lost or duplicated when its worker is stopped mid-batch', async () => {
    const messages = sampleMessages(3000);
    await fx.deps.store.put('raw/restart/big.csv', messagesToCsv(messages));
    // In-worker scoring, so shards finish one by one and the stop lands between them.
    const handle = await start([{ key: 'raw/restart/big.csv' }], { shardSize: 100, parallelism: 2, placement: { scoring: 'worker' } });
    for (;;) {
      const progress = await handle.query<IngestProgressV1>(ingestQueries.progress);
      if (progress.shards.done >= 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await stopWorker();
    // Queries need a worker, so look at the store: the batch stopped part-way.
    const partsWritten = await countKeys(`${layout.resultsPrefix(handle.workflowId.replace(/^ingest-/, ''))}part-`);
    assert.ok(partsWritten > 0 && partsWritten < 30, `${partsWritten} of 30 parts were written when the worker stopped`);
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    await startWorker();
    const result = await handle.result();
    assert.equal(result.scored, 3000);
    const ids = (await readResults(result)).map((r) => r.id);
    assert.equal(ids.length, 3000);
    assert.equal(new Set(ids).size, 3000);
  });

  it('asks continuousTraining for a run once enough labelled rows have arrived', async () => {
    await fx.deps.store.put('raw/labelled/a.csv', messagesToCsv(sampleMessages(60, 900)));
    const result = await (await start([{ key: 'raw/labelled/a.csv' }], { retrainAfterLabelledRows: 50 })).result();
    assert.equal(result.scored, 60);
    const training = await fx.env.client.workflow.getHandle(trainingWorkflowId('spam')).describe();
    assert.equal(training.type, 'continuousTraining');
    const firstEvent = (await fx.env.client.workflow.getHandle(trainingWorkflowId('spam')).fetchHistory()).events?.[0];
    const payload = firstEvent?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const input = await decodePayload<{ request: { trigger: string } }>(payload);
    assert.equal(input.request.trigger, 'data');
  });

  it('keeps a 10,000-row batch history under 1 MiB and free of document text', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) lines.push(`canary${i}zq free money offer number ${i} click now`);
    await fx.deps.store.put('raw/big/docs.txt', lines.join('\n') + '\n');
    const handle = await start([{ key: 'raw/big/docs.txt' }], { shardSize: 1000, parallelism: 4 });
    const result = await handle.result();
    assert.equal(result.scored, 10_000);
    const history = JSON.stringify(await handle.fetchHistory());
    assert.ok(history.length < 1024 * 1024, `history is ${history.length} bytes`);
    for (const i of [0, 1234, 9999]) assert.ok(!history.includes(`canary${i}zq`), `history leaks document ${i}`);
    assert.ok(!history.includes('click now'));
  });

  it('rejects unreadable files by name and quarantines bad rows, without retry loops', async () => {
    const store = fx.deps.store;
    const header = 'id,title,text,label\r\n';
    await store.put('raw/bad/empty.csv', '');
    await store.put('raw/bad/header-only.csv', header);
    await store.put('raw/bad/no-text-column.csv', 'id,title,label\r\n1,a,spam\r\n');
    await store.put('raw/bad/binary.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe, 0, 1, 2, 3]));
    await store.put('raw/bad/notes.docx', 'PK\u0003\u0004 not a text format');
    await store.put(
      'raw/bad/rows.csv',
      Buffer.concat([
        Buffer.from(header + '1,t,"a fine message about money",spam\r\n'),
        Buffer.from('2,t,"broken \xff\xfe utf8",ham\r\n', 'latin1'),
        Buffer.from('3,t,"' + 'x'.repeat(10 * 1024 * 1024) + '",spam\r\n'),
        Buffer.from('4,t,"another fine message",ham\r\n'),
      ]),
    );
    const sources = ['empty.csv', 'header-only.csv', 'no-text-column.csv', 'binary.csv', 'notes.docx', 'rows.csv']
      .map((name) => ({ key: `raw/bad/${name}` }))
      .concat([{ key: '../outside/secret.csv' }]);
    const handle = await start(sources, { maxRecordBytes: 1024 * 1024 });
    const result = await handle.result();

    const codes = Object.fromEntries(result.rejectedFiles.map((r) => [r.key, r.code]));
    assert.deepEqual(codes, {
      'raw/bad/empty.csv': 'empty_file',
      'raw/bad/header-only.csv': 'no_data_rows',
      'raw/bad/no-text-column.csv': 'missing_text_column',
      'raw/bad/binary.csv': 'binary_file',
      'raw/bad/notes.docx': 'unknown_format',
      '../outside/secret.csv': 'invalid_key',
    });
    for (const rejected of result.rejectedFiles) assert.ok(rejected.message.length > 10);
    assert.equal(result.inputRows, 4);
    assert.equal(result.scored, 2);
    const quarantine = await readQuarantine(store, result);
    assert.deepEqual(quarantine.map((q) => q.reason).sort(), ['invalid_utf8', 'record_too_large']);
    assert.ok(quarantine.every((q) => q.preview.length <= 200));

    const events = (await handle.fetchHistory()).events ?? [];
    const retried = events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    assert.equal(retried.length, 0, 'bad input must not be retried');
  });

  it('reads gzip, TSV and semicolon CSV as users export them, with the same quarantine and reconciliation', async () => {
    const store = fx.deps.store;
    const good = sampleMessages(30, 500);
    const delimited = (d: string, rows: typeof good) =>
      [
        `id${d}title${d}text${d}label`,
        ...rows.map((m) => [m.id, m.subject, m.body, m.label].map((f) => `"${f.replace(/"/g, '""')}"`).join(d)),
      ].join('\r\n') + `\r\nbad-count${d}only two\r\nbad-empty${d}t${d}   ${d}ham\r\n`;
    await store.put('raw/export/reviews.tsv', delimited('\t', good.slice(0, 10)));
    await store.put('raw/export/excel-fr.csv', delimited(';', good.slice(10, 20)));
    await store.put('raw/export/mail.csv.gz', gzipSync(delimited(',', good.slice(20, 30))));
    const truncated = gzipSync(delimited(',', sampleMessages(200, 900)));
    await store.put('raw/export/cut.csv.gz', truncated.subarray(0, Math.floor(truncated.length * 0.9)));
    const keys = ['reviews.tsv', 'excel-fr.csv', 'mail.csv.gz', 'cut.csv.gz'].map((n) => `raw/export/${n}`);
    const result = await (
      await start(
        keys.map((key) => ({ key })),
        { shardSize: 5 },
      )
    ).result();

    assert.deepEqual(
      result.rejectedFiles.map((r) => [r.key, r.code]),
      [['raw/export/cut.csv.gz', 'invalid_compressed']],
    );
    assert.equal(result.inputRows, 36);
    assert.equal(result.scored, 30);
    assert.equal(result.quarantined, 6);
    const results = await readResults(result);
    assert.deepEqual(results.map((r) => r.id).sort(), good.map((m) => m.id).sort());
    const byId = new Map(good.map((m) => [m.id, m]));
    for (const r of results) assert.equal(r.label, byId.get(r.id)!.label);
    const quarantine = await readQuarantine(store, result);
    assert.deepEqual(quarantine.map((q) => `${q.source.key.split('/').pop()}:${q.reason}`).sort(), [
      'excel-fr.csv:empty_text',
      'excel-fr.csv:wrong_column_count',
      'mail.csv.gz:empty_text',
      'mail.csv.gz:wrong_column_count',
      'reviews.tsv:empty_text',
      'reviews.tsv:wrong_column_count',
    ]);
    // The truncated file's rows were staged before the damage showed: none may stay behind.
    const staged: string[] = [];
    for await (const object of store.list(`staged/${result.batchId}/`)) staged.push(object.key);
    const stagedRows = (await Promise.all(staged.map(async (k) => parseJsonl<{ id: string }>(await store.get(k), k)))).flat();
    assert.equal(stagedRows.length, 30);
  });

  it('fails fast, naming the file, when no input is readable', async () => {
    await fx.deps.store.put('raw/none/empty.jsonl', '');
    const handle = await start([{ key: 'raw/none/empty.jsonl' }]);
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      const cause = err.cause as Error & { type?: string; nonRetryable?: boolean };
      assert.equal(cause.type, 'NoValidInput');
      assert.match(cause.message, /raw\/none\/empty\.jsonl/);
      return true;
    });
    const notifications = (await fs.readFile(fx.notificationsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(notifications.some((n) => n.event === 'batch.failed' && n.attributes.workflowId === handle.workflowId));
  });

  it('fails with ModelNotFound, not a retry loop, when the model was never trained', async () => {
    await fx.deps.store.put('raw/nomodel/a.txt', 'hello there\n');
    const batchId = `nomodel-${Date.now()}`;
    const handle = await fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        { version: 1, batchId, modelName: 'never-trained', sources: [{ key: 'raw/nomodel/a.txt' }], options: ingestOptions(settings) },
      ],
    });
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      const cause = err.cause as Error & { cause?: Error };
      assert.match(cause.cause?.message ?? cause.message, /never-trained/);
      return true;
    });
  });
});

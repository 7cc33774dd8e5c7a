import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { lakeIndexKey, type LakeIndexV1 } from '../../src/activities/lake';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import { exportBatch } from '../../src/lake/export';
import { queryLocalResults } from '../../src/lake/query';
import { RESULT_COLUMNS } from '../../src/lake/result-schema';
import { parseJsonl } from '../../src/pipeline/jsonl';
import { layout, LAKE_PREFIX } from '../../src/pipeline/layout';
import type { ResultRecord } from '../../src/pipeline/records';
import { repoRoot, venvBin } from '../../src/util/repo-root';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { resultPartKeys } from '../helpers/batch-results';
import { testCodecEnv } from '../helpers/codec';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const run = promisify(execFile);
const settings = loadSettings({});

interface PyarrowRead {
  columns: string[];
  types: string[];
  rows: Array<Record<string, unknown>>;
  codecs: string[];
}

async function readWithPyarrow(files: string[]): Promise<PyarrowRead> {
  const script = path.join(repoRoot(), 'test', 'lake', 'read_parquet.py');
  const { stdout } = await run(venvBin('python'), [script, ...files], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as PyarrowRead;
}

describe('results in the data lake (Parquet, Hive partitions, export, SQL)', function () {
  this.timeout(120_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;
  let batchId: string;
  let jsonl: ResultRecord[];
  let index: LakeIndexV1;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'lake');
    worker = await fx.newWorker();
    running = worker.run();
    batchId = `lake-${Date.now().toString(36)}`;
    const csv =
      messagesToCsv(sampleMessages(130, 500)) +
      '"x1","title","",""\r\n' +
      '"x2","Sin etiqueta","hola, ¿qué tal? el pedido llegó tarde",""\r\n';
    await fx.deps.store.put(`raw/${batchId}/in.csv`, csv);
    const handle = await fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'lake',
          sources: [{ key: `raw/${batchId}/in.csv` }],
          options: ingestOptions(settings, { shardSize: 50, parallelism: 2, driftCheckEveryBatches: 0 }),
        },
      ],
    });
    const result = await handle.result();
    assert.equal(result.scored, 131);
    jsonl = [];
    for (const key of await resultPartKeys(fx.deps.store, result))
      jsonl.push(...parseJsonl<ResultRecord>(await fx.deps.store.get(key), key));
    index = JSON.parse((await fx.deps.store.get(lakeIndexKey(batchId))).toString()) as LakeIndexV1;
    const memo = (await handle.describe()).memo as Record<string, string>;
    assert.equal(memo.lake, lakeIndexKey(batchId));
    assert.equal(memo.manifest, layout.manifest(batchId));
  });
  after(async () => {
    worker?.shutdown();
    await running;
    fx.cleanup();
  });

  it('keeps only Parquet parts under results/, in the batch Hive partition, and everything else under batches/<id>/', async () => {
    const lake: string[] = [];
    for await (const o of fx.deps.store.list(LAKE_PREFIX)) lake.push(o.key);
    const dt = index.partition.dt;
    assert.match(dt, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(
      lake,
      [0, 1, 2].map((i) => `results/model=lake/dt=${dt}/batch=${batchId}/part-0000${i}.parquet`),
    );
    const own: string[] = [];
    for await (const o of fx.deps.store.list(layout.batchPrefix(batchId))) own.push(o.key);
    for (const key of [
      layout.manifest(batchId),
      layout.statistics(batchId),
      layout.profile(batchId),
      layout.batchReport(batchId),
      layout.resultPart(batchId, 0),
    ]) {
      assert.ok(own.includes(key), `${key} is in the batch folder`);
    }
    assert.equal(index.rows, jsonl.length);
  });

  it('writes ZSTD Parquet that pyarrow reads back with the same rows and columns as the JSON Lines', async () => {
    const read = await readWithPyarrow(index.parts.map((p) => path.join(fx.deps.store.root, p.key)));
    assert.deepEqual(read.codecs, ['ZSTD']);
    assert.deepEqual(read.columns, Object.keys(jsonl[0]));
    assert.deepEqual(
      read.columns,
      RESULT_COLUMNS.map((c) => c.name),
    );
    assert.deepEqual(read.rows, jsonl);
    assert.ok(
      jsonl.some((r) => r.label === null),
      'nulls survive',
    );
    assert.deepEqual(read.types.slice(0, 4), ['string', 'struct<key: string, line: int64>', 'string', 'string']);
    assert.match(read.types[4], /^map<string, double/);
  });

  it('exports JSON Lines, CSV and Parquet with the same records', async () => {
    const out = (ext: string) => path.join(fx.dir, `export.${ext}`);
    assert.equal(await exportBatch(fx.deps.store, batchId, 'jsonl', out('jsonl')), jsonl.length);
    assert.deepEqual(parseJsonl<ResultRecord>(await readFile(out('jsonl')), 'export'), jsonl);
    await exportBatch(fx.deps.store, batchId, 'parquet', out('parquet'));
    assert.deepEqual((await readWithPyarrow([out('parquet')])).rows, jsonl);
    await exportBatch(fx.deps.store, batchId, 'csv', out('csv'));
    const lines = (await readFile(out('csv'), 'utf8')).trim().split('\n');
    assert.equal(
      lines[0],
      'id,source_key,source_line,label,predictedLabel,probability_ham,probability_spam,sentiment_compound,sentiment_label,modelVersion',
    );
    assert.equal(lines.length, jsonl.length + 1);
    const first = lines[1].split(',');
    assert.equal(first[0], jsonl[0].id);
    assert.equal(Number(first[5]), jsonl[0].probabilities.ham);
  });

  it('answers SQL over the Parquet in place, partitions included (library and CLI)', async () => {
    const expected: Record<string, number> = {};
    for (const r of jsonl) expected[r.predictedLabel] = (expected[r.predictedLabel] ?? 0) + 1;
    const sql = `SELECT model, batch, predictedLabel, count(*) AS n FROM results WHERE batch = '${batchId}' GROUP BY ALL ORDER BY predictedLabel`;
    const result = await queryLocalResults(fx.deps.store.root, sql);
    assert.deepEqual(result.columns, ['model', 'batch', 'predictedLabel', 'n']);
    assert.deepEqual(Object.fromEntries(result.rows.map((r) => [r.predictedLabel, Number(r.n)])), expected);
    assert.ok(result.rows.every((r) => r.model === 'lake' && r.batch === batchId));

    const env = { ...process.env, ...testCodecEnv, STORE: 'fs', STORE_ROOT: fx.deps.store.root, DATA_DIR: fx.dir };
    const cli = path.join(repoRoot(), 'dist/src/client/cli.js');
    const { stdout } = await run(
      process.execPath,
      [cli, 'query', `SELECT count(*) AS n, count(label) AS labelled FROM results WHERE batch = '${batchId}'`, '--format', 'json'],
      { env },
    );
    assert.deepEqual(JSON.parse(stdout), [{ n: String(jsonl.length), labelled: String(jsonl.filter((r) => r.label !== null).length) }]);
    const failed = await run(process.execPath, [cli, 'query', 'SELEC nonsense'], { env }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(failed?.code, 1);
    assert.match(failed?.stderr ?? '', /^nlp-batch: Parser Error/);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StatisticsAccumulator } from '../../src/drift';
import { GLUE_SENTIMENT_DATA_PATH, renderGlueSentimentData } from '../../src/jobs/glue-sentiment-data';
import { jobSpecKey } from '../../src/jobs/job-spec-key';
import type { EtlJobSpec } from '../../src/jobs/remote-job';
import { cleanStagedRecords } from '../../src/pipeline/clean-records';
import { readProcessedShard } from '../../src/jobs/processed-record';
import { toJsonl } from '../../src/pipeline/jsonl';
import { layout } from '../../src/pipeline/layout';
import type { ProcessedRecord, StagedRecord } from '../../src/pipeline/records';
import { FsObjectStore } from '../../src/storage/fs-object-store';
import type { TextOptions } from '../../src/text';
import { repoRoot, venvBin } from '../../src/util/repo-root';
import { sampleMessages } from '../helpers/corpus';
import { PROCESSED_VECTORS_PATH, renderProcessedVectors } from '../helpers/processed-vectors';

function runGlueScript(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(venvBin('python'), [path.join(repoRoot(), 'glue', 'nlp_clean_job.py'), ...args], {
      env: {
        ...process.env,
        PYSPARK_PYTHON: venvBin('python'),
        PYSPARK_DRIVER_PYTHON: venvBin('python'),
        SPARK_LOCAL_IP: '127.0.0.1',
        PYTHONDONTWRITEBYTECODE: '1',
        PYSPARK_SUBMIT_ARGS: '--master local[1] --conf spark.ui.enabled=false --conf spark.ui.showConsoleProgress=false pyspark-shell',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-5000)));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What computeBatchStatistics accumulates from processed rows (src/activities/drift/batch-statistics.ts). */
function statistics(records: ProcessedRecord[]) {
  const accumulator = new StatisticsAccumulator({ vocabularyLimit: 20_000 });
  for (const r of records)
    accumulator.addDocument({ label: r.label, textClean: r.text_clean, tokens: r.tokens, sentiment: r.sentiment?.compound ?? 0 });
  return accumulator.toStatistics();
}

describe('every ETL path writes the same processed record (in-worker vs the Glue job under pyspark)', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glue-parity-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives equal processed rows and equal batch statistics, with the model’s options and REDACT_PII', async () => {
    const store = new FsObjectStore(path.join(dir, 'store'));
    const batchId = 'parity-1';
    const spanish = [
      'El producto es muy bueno, me encanta y funciona perfectamente.',
      'No es bueno, nunca funcionó bien. Jamás lo volveré a comprar, es pésimo.',
      'La atención fue excelente pero el envío tardó demasiado y llegó roto.',
    ];
    const rows: StagedRecord[] = [
      ...sampleMessages(150, 6000).map((m, i) => ({
        id: m.id,
        source: { key: 'raw/p/a.csv', line: i + 2 },
        title: m.subject,
        body: m.body,
        label: m.label,
      })),
      ...spanish.map((body, i) => ({ id: `es-${i}`, source: { key: 'raw/p/b.csv', line: i + 2 }, title: '', body, label: null })),
      {
        id: 'pii-1',
        source: { key: 'raw/p/c.csv', line: 2 },
        title: 'Call me',
        body: 'Mail john.doe@example.com or +1 (555) 123-4567; NOT BAD at all!!!',
        label: 'ham',
      },
    ];
    const shards = [rows.slice(0, 80), rows.slice(80)];
    // The model's text options: English, negations kept, stems, per-document language detection.
    const textOptions: TextOptions = { language: 'en', keepNegations: true, stem: true, detectLanguage: true };
    const spec: EtlJobSpec = {
      kind: 'etl',
      batchId,
      inputKeys: shards.map((_, i) => `staged/${batchId}/shard-${String(i).padStart(5, '0')}.jsonl`),
      outputKeys: shards.map((_, i) => layout.processed(batchId, i)),
      textOptions,
      redactPii: true,
    };
    for (const [i, shard] of shards.entries()) await store.put(spec.inputKeys[i], toJsonl(shard));
    await store.put(jobSpecKey(batchId, 'etl'), JSON.stringify(spec));

    // Glue: the job script as Glue runs it, with the run's arguments.
    const out = await runGlueScript([
      '--JOB_NAME',
      'nlp-clean',
      '--spec_key',
      jobSpecKey(batchId, 'etl'),
      '--store_uri',
      `file://${store.root}`,
    ]);
    assert.equal(out.code, 0, out.stderr);
    const glue = (await Promise.all(spec.outputKeys.map(async (k) => readProcessedShard(await store.get(k), k)))).flat();

    // In the worker: the processShard/ETL-task code path.
    const worker = shards.flatMap((shard) => cleanStagedRecords(shard, textOptions, true));

    assert.equal(glue.length, rows.length);
    assert.deepEqual(glue, worker, 'the same processed record, field for field');
    assert.deepEqual(statistics(glue), statistics(worker));
    // Not trivially equal: real sentiment, both languages, and the PII gone from every field.
    const labels = new Set(glue.map((r) => r.sentiment.label));
    assert.deepEqual([...labels].sort(), ['negative', 'neutral', 'positive']);
    assert.deepEqual([...new Set(glue.map((r) => r.language))].sort(), ['en', 'es']);
    const pii = glue.find((r) => r.id === 'pii-1');
    assert.ok(pii && !JSON.stringify(pii).includes('john') && !JSON.stringify(pii).includes('555'));
  });

  it('the generated data files the Glue job reads are up to date with src/text', () => {
    assert.equal(
      readFileSync(path.join(repoRoot(), ...GLUE_SENTIMENT_DATA_PATH), 'utf8'),
      renderGlueSentimentData(),
      'glue/sentiment_data.json is stale: node dist/src/jobs/glue-sentiment-data.js',
    );
    assert.equal(
      readFileSync(path.join(repoRoot(), ...PROCESSED_VECTORS_PATH), 'utf8'),
      renderProcessedVectors(),
      'test/fixtures/processed-record-vectors.json is stale: node dist/test/helpers/processed-vectors.js',
    );
  });
});

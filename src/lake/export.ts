import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { ObjectStore } from '../storage/object-store';
import { openEngine } from './duckdb';
import { PARQUET_OPTIONS, selectResultsFromJsonl } from './jsonl-to-parquet';
import { readBatchManifest } from './manifest';
import { sqlIdentifier, sqlString } from './result-schema';

export type ExportFormat = 'jsonl' | 'csv' | 'parquet';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'parquet'];

/**
 * A batch's result records, in manifest order, as JSON Lines (the stored parts, byte for byte),
 * CSV (flat: source and sentiment fields as columns, one `probability_<label>` column per label) or
 * one Parquet file (ZSTD, the lake's schema). Writes to `outFile`, or to `stdout`.
 */
export async function exportBatch(
  store: ObjectStore,
  batchId: string,
  format: ExportFormat,
  outFile: string | undefined,
  stdout: Writable = process.stdout,
): Promise<number> {
  const manifest = await readBatchManifest(store, batchId);
  const rows = manifest.parts.reduce((n, p) => n + p.rows, 0);
  if (format === 'jsonl') {
    const out = outFile ? createWriteStream(outFile) : stdout;
    for (const part of manifest.parts) {
      for await (const chunk of await store.getStream(part.key)) if (!out.write(chunk)) await once(out, 'drain');
    }
    if (outFile) {
      out.end();
      await once(out, 'finish');
    }
    return rows;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nlp-export-'));
  const engine = await openEngine({ threads: 2 });
  try {
    const files: string[] = [];
    for (const [i, part] of manifest.parts.entries()) {
      const file = path.join(dir, `part-${i}.jsonl`);
      await writeFile(file, await store.get(part.key));
      files.push(file);
    }
    const target = outFile ? path.resolve(outFile) : path.join(dir, `export.${format}`);
    if (files.length === 0) {
      await writeFile(target, format === 'csv' ? csvHeader([]) : '');
    } else {
      const c = engine.connection;
      await c.run(`CREATE TABLE r AS ${selectResultsFromJsonl(files)}`);
      if (format === 'parquet') {
        await c.run(`COPY r TO ${sqlString(target)} (${PARQUET_OPTIONS})`);
      } else {
        const labels = (await c.runAndReadAll('SELECT DISTINCT unnest(map_keys(probabilities)) AS l FROM r ORDER BY l'))
          .getRowObjectsJson()
          .map((row) => String(row.l));
        const probabilityColumns = labels.map((l) => `probabilities[${sqlString(l)}] AS ${sqlIdentifier(`probability_${l}`)}`);
        const select = [
          'id',
          'source."key" AS source_key',
          'source.line AS source_line',
          'label',
          '"predictedLabel"',
          ...probabilityColumns,
          'sentiment.compound AS sentiment_compound',
          'sentiment."label" AS sentiment_label',
          '"modelVersion"',
        ].join(', ');
        await c.run(`COPY (SELECT ${select} FROM r) TO ${sqlString(target)} (FORMAT csv, HEADER)`);
      }
    }
    if (!outFile) await pipeline(createReadStream(target), stdout, { end: false });
    return rows;
  } finally {
    engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function csvHeader(labels: string[]): string {
  return (
    [
      'id',
      'source_key',
      'source_line',
      'label',
      'predictedLabel',
      ...labels.map((l) => `probability_${l}`),
      'sentiment_compound',
      'sentiment_label',
      'modelVersion',
    ].join(',') + '\n'
  );
}

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openEngine, type Engine } from './duckdb';
import { duckdbJsonColumns, RESULT_COLUMNS, sqlIdentifier, sqlString } from './result-schema';

/** A SELECT over result JSON Lines files, read with the lake's schema (types are never inferred). */
export function selectResultsFromJsonl(files: readonly string[]): string {
  const list = `[${files.map(sqlString).join(', ')}]`;
  const columns = RESULT_COLUMNS.map((c) => sqlIdentifier(c.name)).join(', ');
  return `SELECT ${columns} FROM read_json(${list}, format = 'newline_delimited', columns = ${duckdbJsonColumns()})`;
}

/** COPY options of every Parquet file the project writes. */
export const PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880';

/**
 * Converts JSON Lines result parts to Parquet (ZSTD), one file per part, in a scratch folder:
 * `convert(jsonl)` returns the Parquet bytes. DuckDB reads the JSON natively; one engine serves
 * every part of a call.
 */
export class ResultPartConverter {
  private constructor(
    private readonly engine: Engine,
    private readonly dir: string,
  ) {}

  static async open(): Promise<ResultPartConverter> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nlp-lake-'));
    return new ResultPartConverter(await openEngine(), dir);
  }

  async convert(jsonl: Buffer): Promise<{ parquet: Buffer; rows: number }> {
    const input = path.join(this.dir, 'part.jsonl');
    const output = path.join(this.dir, 'part.parquet');
    await writeFile(input, jsonl);
    const copied = await this.engine.connection.run(
      `COPY (${selectResultsFromJsonl([input])}) TO ${sqlString(output)} (${PARQUET_OPTIONS})`,
    );
    const rows = Number(copied.rowsChanged);
    const parquet = await readFile(output);
    await Promise.all([rm(input, { force: true }), rm(output, { force: true })]);
    return { parquet, rows };
  }

  async close(): Promise<void> {
    this.engine.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

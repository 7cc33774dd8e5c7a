import { existsSync } from 'node:fs';
import path from 'node:path';
import { openEngine } from './duckdb';
import { sqlString } from './result-schema';
import { LAKE_PREFIX } from '../pipeline/layout';

export interface QueryResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

export class LakeEmptyError extends Error {
  override readonly name = 'LakeEmptyError';
}

/**
 * Runs SQL over the local data lake: DuckDB reads the Parquet parts in place, with the Hive
 * partitions (model, dt, batch) as columns, through the view `results`.
 */
export async function queryLocalResults(storeRoot: string, sql: string): Promise<QueryResult> {
  const lake = path.join(storeRoot, LAKE_PREFIX);
  if (!existsSync(lake)) throw new LakeEmptyError(`no results in ${lake} yet: ingest a batch first`);
  const engine = await openEngine({ threads: 2 });
  try {
    const c = engine.connection;
    const glob = path.join(lake, '**', '*.parquet');
    await c.run(
      `CREATE VIEW results AS SELECT * FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, hive_types = {'model': VARCHAR, 'dt': VARCHAR, 'batch': VARCHAR}, union_by_name = false)`,
    );
    const reader = await c.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Array<Record<string, unknown>> };
  } finally {
    engine.close();
  }
}

/** An aligned text table (what a person reads in a terminal). */
export function formatTable(result: QueryResult): string {
  const text = (v: unknown) => (v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const cells = result.rows.map((row) => result.columns.map((c) => text(row[c])));
  const widths = result.columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => r[i].length))));
  const line = (values: string[]) =>
    values
      .map((v, i) => (v.length > widths[i] ? v.slice(0, widths[i] - 1) + '…' : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    line(result.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`,
  ].join('\n');
}

export function formatCsv(result: QueryResult): string {
  const quote = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [result.columns.map(quote).join(','), ...result.rows.map((r) => result.columns.map((c) => quote(r[c])).join(','))].join('\n');
}

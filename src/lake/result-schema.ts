/**
 * The one schema of the data lake's result records (`results/`), column by column, in the types of
 * each engine that reads or writes it. The JSON Lines parts carry the same fields (ResultRecord in
 * src/pipeline/records.ts); the Glue table in infra/ declares `hive` (a test keeps them equal).
 */
export interface ResultColumn {
  name: string;
  /** DuckDB type, for reading JSON Lines with an explicit schema (never inferred per part). */
  duckdb: string;
  /** Hive/Glue type, for the catalog table. */
  hive: string;
}

export const RESULT_COLUMNS: readonly ResultColumn[] = [
  { name: 'id', duckdb: 'VARCHAR', hive: 'string' },
  { name: 'source', duckdb: 'STRUCT("key" VARCHAR, line BIGINT)', hive: 'struct<key:string,line:bigint>' },
  { name: 'label', duckdb: 'VARCHAR', hive: 'string' },
  { name: 'predictedLabel', duckdb: 'VARCHAR', hive: 'string' },
  { name: 'probabilities', duckdb: 'MAP(VARCHAR, DOUBLE)', hive: 'map<string,double>' },
  { name: 'sentiment', duckdb: 'STRUCT(compound DOUBLE, "label" VARCHAR)', hive: 'struct<compound:double,label:string>' },
  { name: 'modelVersion', duckdb: 'VARCHAR', hive: 'string' },
];

/** Hive-style partition columns, in path order (`model=…/dt=…/batch=…`). */
export const PARTITION_COLUMNS = [
  { name: 'model', hive: 'string' },
  { name: 'dt', hive: 'string' },
  { name: 'batch', hive: 'string' },
] as const;

/** The `columns={...}` argument of DuckDB's read_json for result records. */
export function duckdbJsonColumns(): string {
  return `{${RESULT_COLUMNS.map((c) => `${sqlString(c.name)}: ${sqlString(c.duckdb)}`).join(', ')}}`;
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL identifier (column or view name), quoted. */
export function sqlIdentifier(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

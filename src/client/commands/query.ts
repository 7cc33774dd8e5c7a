import type { Command } from 'commander';
import { formatCsv, formatTable, LakeEmptyError, queryLocalResults } from '../../lake/query';
import { UserError } from '../user-error';
import type { CliContext } from './context';

export function registerQuery(program: Command, ctx: CliContext): void {
  program
    .command('query')
    .description('run SQL over the local results (DuckDB reads the Parquet in place; view `results`, partitions model, dt, batch)')
    .argument('<sql>', 'e.g. "SELECT predictedLabel, count(*) FROM results GROUP BY 1"')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (sql: string, opts) => {
      const settings = ctx.settings();
      if (settings.store.kind !== 'fs')
        throw new UserError('query reads the local store (STORE=fs); on S3, query the Glue table with Athena');
      let result;
      try {
        result = await queryLocalResults(settings.store.root, sql);
      } catch (err) {
        if (err instanceof LakeEmptyError) throw new UserError(err.message);
        // DuckDB's parser and binder errors are the user's SQL.
        if (err instanceof Error && /(Parser|Binder|Catalog|Conversion|Invalid Input) Error/.test(err.message))
          throw new UserError(err.message);
        throw err;
      }
      if (opts.format === 'json') ctx.out(JSON.stringify(result.rows));
      else if (opts.format === 'csv') ctx.out(formatCsv(result));
      else if (opts.format === 'table') ctx.out(formatTable(result));
      else throw new UserError(`--format must be table, csv or json, not ${JSON.stringify(opts.format)}`);
    });
}

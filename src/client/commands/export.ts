import type { Command } from 'commander';
import { buildStore } from '../../workers/dependencies';
import { EXPORT_FORMATS, exportBatch, type ExportFormat } from '../../lake/export';
import { BatchNotFoundError } from '../../lake/manifest';
import { UserError } from '../user-error';
import type { CliContext } from './context';

export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description("write a batch's result records as JSON Lines (default), CSV or Parquet")
    .argument('<batchId>')
    .option('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`, 'jsonl')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (batchId: string, opts) => {
      const format = String(opts.format) as ExportFormat;
      if (!EXPORT_FORMATS.includes(format))
        throw new UserError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not ${JSON.stringify(opts.format)}`);
      try {
        const rows = await exportBatch(buildStore(ctx.settings()), batchId, format, opts.out);
        ctx.log(`exported ${rows} records as ${format}${opts.out ? ` to ${opts.out}` : ''}`);
      } catch (err) {
        if (err instanceof BatchNotFoundError) throw new UserError(err.message);
        throw err;
      }
    });
}

import type { Command } from 'commander';
import { buildStore } from '../../workers/dependencies';
import { exportResults } from '../export-results';
import type { CliContext } from './context';

export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description("write a batch's result records as JSON Lines")
    .argument('<batchId>')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (batchId: string, opts) => {
      const rows = await exportResults(buildStore(ctx.settings()), batchId, opts.out);
      ctx.log(`exported ${rows} records${opts.out ? ` to ${opts.out}` : ''}`);
    });
}

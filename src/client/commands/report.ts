import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { BatchNotFoundError } from '../../lake/manifest';
import { ModelArtifactError, ModelRegistry } from '../../model';
import { buildBatchReport, buildDriftReport, buildModelReport, ReportSourceMissingError } from '../../reports/sources';
import { buildStore } from '../../workers/dependencies';
import { UserError } from '../user-error';
import type { CliContext } from './context';

/**
 * `report batch|model|drift`: one self-contained HTML file each (inline SVG charts, no script, no
 * network), rendered from the JSON the workflows stored; prints the file's path.
 */
export function registerReport(program: Command, ctx: CliContext): void {
  const report = program.command('report').description('write an HTML report (charts included) and print its path');
  const write = async (defaultName: string, out: string | undefined, html: () => Promise<string>) => {
    let page: string;
    try {
      page = await html();
    } catch (err) {
      if (
        err instanceof BatchNotFoundError ||
        err instanceof ReportSourceMissingError ||
        err instanceof ModelArtifactError ||
        err instanceof RangeError
      ) {
        throw new UserError(err.message);
      }
      throw err;
    }
    const file = path.resolve(out ?? path.join(ctx.settings().dataDir, 'reports', defaultName));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, page);
    ctx.out(file);
  };
  report
    .command('batch')
    .description('a batch: rows per stage, quarantine reasons, cleaning, terms, labels, sentiment, languages, predictions, accuracy')
    .argument('<batchId>')
    .option('--out <file>', 'where to write (default: DATA_DIR/reports/batch-<batchId>.html)')
    .action(async (batchId: string, opts) => {
      const store = buildStore(ctx.settings());
      await write(`batch-${batchId}.html`, opts.out, () => buildBatchReport(store, batchId));
    });
  report
    .command('model')
    .description('a model version: per-class metrics, confusion, top n-grams, champion vs challenger, training data, tuning grid')
    .argument('<name[@vN]>', 'model name, optionally with a version (default: the promoted one)')
    .option('--out <file>', 'where to write (default: DATA_DIR/reports/model-<name>-<vN>.html)')
    .action(async (ref: string, opts) => {
      const store = buildStore(ctx.settings());
      const built = { name: ref.replace('@', '-') };
      await write(`model-${built.name}.html`, opts.out, async () => {
        const r = await buildModelReport(store, new ModelRegistry(store), ref);
        built.name = `${r.modelName}-${r.version}`;
        return r.html;
      });
    });
  report
    .command('drift')
    .description('a drift check: baseline vs current per statistic, PSI / JS / chi-square with thresholds, the decision and why')
    .argument('<runId>', 'the driftCorrection run id (its report is drift/<runId>.json)')
    .option('--out <file>', 'where to write (default: DATA_DIR/reports/drift-<runId>.html)')
    .action(async (runId: string, opts) => {
      const store = buildStore(ctx.settings());
      await write(`drift-${runId}.html`, opts.out, () => buildDriftReport(store, runId));
    });
}

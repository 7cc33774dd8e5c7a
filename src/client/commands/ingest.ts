import type { Command } from 'commander';
import type { InputFormat } from '../../contracts/ingest-batch';
import { newBatchId, startIngest } from '../ingest';
import { waitWithProgress } from '../progress';
import { openRuntime, workflowUrl } from '../runtime';
import { uploadInputs } from '../upload-inputs';
import { UserError } from '../user-error';
import type { CliContext } from './context';

const FORMATS: InputFormat[] = ['csv', 'amazon-polarity', 'jsonl', 'text'];

export function registerIngest(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description('start an ingestBatch workflow over local files, store:<key> or s3:// URIs')
    .argument('<inputs...>', 'files to ingest')
    .option('--model <name>', 'score with this model (its latest version, pinned at start)')
    .option('--format <format>', `override format detection (${FORMATS.join(', ')})`)
    .option('--text-column <name>', 'CSV/JSON column holding the text')
    .option('--title-column <name>', 'CSV/JSON column holding the title')
    .option('--label-column <name>', 'CSV/JSON column holding the label')
    .option('--id-column <name>', 'CSV/JSON column holding the id')
    .option('--batch-id <id>', 'batch id (default: generated)')
    .option('--wait', 'wait for the result, with a progress bar on stderr')
    .option('--json', 'print the result as one JSON object on stdout (implies --wait)')
    .action(async (inputs: string[], opts) => {
      if (opts.format && !FORMATS.includes(opts.format)) throw new UserError(`--format must be one of ${FORMATS.join(', ')}`);
      const settings = ctx.settings();
      const wait = Boolean(opts.wait || opts.json);
      const runtime = await openRuntime(settings, { worker: true, log: ctx.log });
      // An embedded server and worker live only as long as this command: without --wait the
      // batch would stop with us, so wait anyway and say why.
      if (!wait && runtime.started.worker) ctx.log('no worker was running, so this command hosts one and waits for the batch');
      try {
        const batchId = opts.batchId ?? newBatchId();
        const columns = {
          ...(opts.textColumn && { text: opts.textColumn }),
          ...(opts.titleColumn && { title: opts.titleColumn }),
          ...(opts.labelColumn && { label: opts.labelColumn }),
          ...(opts.idColumn && { id: opts.idColumn }),
        };
        const s3Bucket = settings.store.kind === 's3' ? settings.store.bucket : undefined;
        const sources = await uploadInputs(runtime.deps.store, batchId, inputs, opts.format, s3Bucket);
        const handle = await startIngest(runtime.client, settings, {
          batchId,
          sources,
          modelName: opts.model,
          columns: Object.keys(columns).length > 0 ? columns : undefined,
        });
        ctx.log(`started ${handle.workflowId}: ${workflowUrl(runtime, handle.workflowId)}`);
        if (!wait && !runtime.started.worker) {
          ctx.out(handle.workflowId);
          return;
        }
        const result = await waitWithProgress(handle);
        if (opts.json) {
          ctx.out(
            JSON.stringify({
              workflowId: handle.workflowId,
              batchId: result.batchId,
              status: result.status,
              inputRows: result.inputRows,
              scored: result.scored,
              quarantined: result.quarantined,
              resultsPrefix: result.resultsPrefix,
              resultParts: result.resultParts,
              quarantinePrefix: result.quarantinePrefix,
              quarantineFiles: result.quarantineFiles,
              rejectedFiles: result.rejectedFiles,
              rejectedFileCount: result.rejectedFileCount,
              manifestKey: result.manifestKey,
              modelVersion: result.modelVersion,
            }),
          );
        } else {
          ctx.out(
            `${result.batchId}: ${result.scored} scored, ${result.quarantined} quarantined of ${result.inputRows} rows ` +
              `with ${result.modelName}@${result.modelVersion}; manifest ${result.manifestKey}`,
          );
        }
      } finally {
        await runtime.close();
      }
    });
}

import type { Command } from 'commander';
import type { DelimiterV1, EtlPlacement, InputFormat, ScoringPlacement } from '../../contracts/ingest-batch';
import { ModelRegistry } from '../../model';
import { buildStore } from '../../workers/dependencies';
import { newBatchId, startIngest } from '../ingest';
import { connectClient } from '../../temporal/connection';
import { batchResultJson, waitForBatch } from '../wait-for-batch';
import { openRuntime, workflowUrl } from '../runtime';
import { uploadInputs } from '../upload-inputs';
import { UserError } from '../user-error';
import { checkChoice, checkModelName, requirePromotedModel } from '../validate';
import type { CliContext } from './context';
import { examples } from './examples';

const FORMATS: InputFormat[] = ['csv', 'amazon-polarity', 'jsonl', 'text'];
const ETL_PLACES: EtlPlacement[] = ['local', 'glue'];
const SCORING_PLACES: ScoringPlacement[] = ['worker', 'local', 'aws'];

/** What --delimiter accepts: the character itself or its name. */
const DELIMITERS: Record<string, DelimiterV1> = { ',': ',', comma: ',', ';': ';', semicolon: ';', tab: '\t', '\t': '\t', '\\t': '\t' };

export function parseDelimiter(value: string): DelimiterV1 {
  const delimiter = DELIMITERS[value.toLowerCase()];
  if (delimiter === undefined) throw new UserError(`--delimiter ${JSON.stringify(value)}: expected comma (,), semicolon (;) or tab`);
  return delimiter;
}

export function registerIngest(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description('start an ingestBatch workflow over local files, store:<key> or s3:// URIs')
    .addHelpText(
      'after',
      examples([
        'nlp-batch ingest reviews.csv --wait',
        'nlp-batch ingest export.tsv.gz mail.jsonl --model spam --json',
        "nlp-batch ingest excel-export.csv --delimiter ';' --text-column Comentario --wait",
        'nlp-batch ingest store:raw/2026-11/reviews.csv s3://my-bucket/raw/more.csv',
      ]),
    )
    .argument('<inputs...>', 'files to ingest: .csv, .tsv, .jsonl, .ndjson, .txt, each possibly gzip-compressed (.gz)')
    .option('--model <name>', 'score with this model (its latest version, pinned at start; default: MODEL_NAME)')
    .option('--format <format>', `override format detection (${FORMATS.join(', ')})`)
    .option(
      '--delimiter <d>',
      'field separator of CSV files: comma, semicolon or tab (default: detected from the header line)',
      parseDelimiter,
    )
    .option('--text-column <name>', 'CSV/JSON column holding the text')
    .option('--title-column <name>', 'CSV/JSON column holding the title')
    .option('--label-column <name>', 'CSV/JSON column holding the label')
    .option('--id-column <name>', 'CSV/JSON column holding the id')
    .option('--batch-id <id>', 'batch id (default: generated)')
    .option('--etl <where>', `override where cleaning runs for this batch (${ETL_PLACES.join(', ')}; default: the workers' ETL setting)`)
    .option(
      '--scoring <where>',
      `override where scoring runs for this batch (${SCORING_PLACES.join(', ')}; default: the workers' BATCH setting)`,
    )
    .option('--wait', 'wait for the result, with a progress bar on stderr')
    .option('--json', 'print the result as one JSON object on stdout (implies --wait)')
    .action(async (inputs: string[], opts) => {
      // Arguments first: a wrong value is reported before any upload, server or workflow starts.
      const format = opts.format === undefined ? undefined : checkChoice(opts.format, FORMATS, '--format');
      if (opts.etl !== undefined) checkChoice(opts.etl, ETL_PLACES, '--etl');
      if (opts.scoring !== undefined) checkChoice(opts.scoring, SCORING_PLACES, '--scoring');
      const settings = ctx.settings();
      const modelName = checkModelName(opts.model ?? settings.pipeline.modelName);
      const store = buildStore(settings);
      await requirePromotedModel(new ModelRegistry(store), modelName);
      const batchId = opts.batchId ?? newBatchId();
      const s3Bucket = settings.store.kind === 's3' ? settings.store.bucket : undefined;
      const sources = (await uploadInputs(store, batchId, inputs, format, s3Bucket)).map((source) =>
        opts.delimiter === undefined ? source : { ...source, delimiter: opts.delimiter as DelimiterV1 },
      );
      const wait = Boolean(opts.wait || opts.json);
      const runtime = await openRuntime(settings, { worker: true, log: ctx.log });
      // An embedded server and worker live only as long as this command: without --wait the
      // batch would stop with us, so wait anyway and say why.
      if (!wait && runtime.started.worker) ctx.log('no worker was running, so this command hosts one and waits for the batch');
      try {
        const columns = {
          ...(opts.textColumn && { text: opts.textColumn }),
          ...(opts.titleColumn && { title: opts.titleColumn }),
          ...(opts.labelColumn && { label: opts.labelColumn }),
          ...(opts.idColumn && { id: opts.idColumn }),
        };
        const handle = await startIngest(runtime.client, settings, {
          batchId,
          sources,
          modelName,
          columns: Object.keys(columns).length > 0 ? columns : undefined,
          // Only what the user asked for: otherwise the workers' deployment decides.
          ...((opts.etl || opts.scoring) && {
            placement: {
              ...(opts.etl && { etl: opts.etl as EtlPlacement }),
              ...(opts.scoring && { scoring: opts.scoring as ScoringPlacement }),
            },
          }),
        });
        ctx.log(`started ${handle.workflowId}: ${workflowUrl(runtime, handle.workflowId)}`);
        if (!wait && !runtime.started.worker) {
          ctx.out(handle.workflowId);
          return;
        }
        // Retries transient errors and reconnects: the batch goes on whatever happens to this client.
        const waited = await waitForBatch({
          client: runtime.client,
          reconnect: () => connectClient(settings.temporal, runtime.dataConverter),
          workflowId: handle.workflowId,
          log: ctx.log,
        });
        if (waited.client !== runtime.client) await waited.client.connection.close().catch(() => undefined);
        const result = waited.result;
        if (opts.json) {
          ctx.out(JSON.stringify(batchResultJson(handle.workflowId, result)));
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

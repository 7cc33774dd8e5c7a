import type { Command } from 'commander';
import { buildStore } from '../../workers/dependencies';
import { trainingProgress, waitWithPhases } from '../progress';
import { openRuntime, workflowUrl } from '../runtime';
import { requestTraining } from '../train';
import { readTrainingConfig } from '../training-config';
import { uploadInputs } from '../upload-inputs';
import { newBatchId } from '../ingest';
import { UserError } from '../user-error';
import { checkModelName } from '../validate';
import type { CliContext } from './context';
import { examples } from './examples';

function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** "90s", "5m", "1h", "250ms" or a number of milliseconds. */
function parseDuration(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match?.[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  const ms = match ? Math.round(Number(match[1]) * unit) : NaN;
  if (!(ms >= 1000)) throw new UserError(`${flag} must be a duration of at least 1s such as 90s, 5m or 1h, got ${JSON.stringify(value)}`);
  return ms;
}

export function registerTrain(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description('train a new model version with continuousTraining; promoted only if it beats the champion')
    .addHelpText(
      'after',
      examples([
        'nlp-batch train --data labelled.csv',
        'nlp-batch train --data resenas.tsv.gz --language es --model resenas',
        'nlp-batch train --data store-prefix:staged/ --config train.json --tune --json',
      ]),
    )
    .requiredOption('--data <inputs...>', 'labelled files, store:<key>, or store-prefix:<prefix>')
    .option('--model <name>', 'model name (default: MODEL_NAME)')
    .option('--language <language>', 'language of the text: en or es (stopwords, stemmer, sentiment); sets text.language of the config')
    .option('--config <file>', 'JSON file of training config overrides: {text, features, vectorizer, classifier} (docs/training.md)')
    .option('--tune', 'search hyperparameters (k-fold) before the final fit')
    .option('--tuning-budget <n>', 'configurations the search cross-validates', (v: string) => parsePositiveInt(v, '--tuning-budget'))
    .option('--budget <duration>', 'time the search may take, e.g. 90s, 5m, 1h (default 10m)', (v: string) => parseDuration(v, '--budget'))
    .option('--json', 'print the outcome as one JSON object')
    .action(async (opts) => {
      // Arguments first: a wrong value is reported before any upload, server or workflow starts.
      const settings = ctx.settings();
      const modelName = checkModelName(opts.model ?? settings.pipeline.modelName);
      const config = await readTrainingConfig({ file: opts.config, language: opts.language });
      const inputs = (opts.data as string[]).filter((d) => !d.startsWith('store-prefix:'));
      const prefixes = (opts.data as string[]).filter((d) => d.startsWith('store-prefix:')).map((d) => d.slice('store-prefix:'.length));
      const sources = await uploadInputs(buildStore(settings), `training-${newBatchId()}`, inputs, undefined);
      const runtime = await openRuntime(settings, { worker: true, log: ctx.log });
      try {
        const handle = await requestTraining(runtime.client, settings, {
          modelName,
          data: { keys: sources.map((s) => s.key), prefixes },
          tune: Boolean(opts.tune),
          ...(config !== undefined && { config }),
          ...(opts.tuningBudget !== undefined && { tuningBudget: opts.tuningBudget as number }),
          ...(opts.budget !== undefined && { tuning: { budgetMs: opts.budget as number } }),
        });
        ctx.log(`training ${modelName} in ${handle.workflowId}: ${workflowUrl(runtime, handle.workflowId)}`);
        const outcome = await waitWithPhases(handle, handle.result(), trainingProgress);
        if (opts.json) {
          ctx.out(
            JSON.stringify({
              workflowId: outcome.workflowId,
              modelVersion: outcome.modelVersion,
              promoted: outcome.promoted,
              decision: outcome.decision,
              metrics: outcome.metrics,
              champion: outcome.champion,
              trainRows: outcome.trainRows,
              testRows: outcome.testRows,
              config: outcome.config ?? {},
              ...(outcome.tuning && {
                tuning: {
                  best: outcome.tuning.best,
                  tried: outcome.tuning.candidates ?? outcome.tuning.tried?.length ?? 0,
                  folds: outcome.tuning.folds,
                  ...(outcome.tuning.resultKey && { resultKey: outcome.tuning.resultKey }),
                },
              }),
            }),
          );
        } else {
          ctx.out(
            `${modelName}@${outcome.modelVersion}: ${outcome.promoted ? 'promoted' : 'not promoted'} (${outcome.decision}); ` +
              `accuracy ${(100 * outcome.metrics.accuracy).toFixed(2)}%, macro F1 ${(100 * outcome.metrics.macroF1).toFixed(2)}% on ${outcome.testRows} held-out rows` +
              (outcome.tuning
                ? `; tuned: ${outcome.tuning.best.id} (mean macro F1 ${(100 * outcome.tuning.best.meanMacroF1).toFixed(2)}% over ${outcome.tuning.folds} folds, ${outcome.tuning.candidates ?? outcome.tuning.tried?.length ?? 0} tried)`
                : ''),
          );
        }
      } finally {
        await runtime.close();
      }
    });
}

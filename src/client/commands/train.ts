import type { Command } from 'commander';
import { openRuntime, workflowUrl } from '../runtime';
import { requestTraining } from '../train';
import { uploadInputs } from '../upload-inputs';
import { newBatchId } from '../ingest';
import { UserError } from '../user-error';
import type { CliContext } from './context';

function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

export function registerTrain(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description('train a new model version with continuousTraining; promoted only if it beats the champion')
    .requiredOption('--data <inputs...>', 'labelled files, store:<key>, or store-prefix:<prefix>')
    .option('--model <name>', 'model name (default: MODEL_NAME)')
    .option('--tune', 'search hyperparameters (k-fold) before the final fit')
    .option('--tuning-budget <n>', 'configurations the search cross-validates', (v: string) => parsePositiveInt(v, '--tuning-budget'))
    .option('--json', 'print the outcome as one JSON object')
    .action(async (opts) => {
      const settings = ctx.settings();
      const modelName = opts.model ?? settings.pipeline.modelName;
      const runtime = await openRuntime(settings, { worker: true, log: ctx.log });
      try {
        const inputs = (opts.data as string[]).filter((d) => !d.startsWith('store-prefix:'));
        const prefixes = (opts.data as string[]).filter((d) => d.startsWith('store-prefix:')).map((d) => d.slice('store-prefix:'.length));
        const sources = await uploadInputs(runtime.deps.store, `training-${newBatchId()}`, inputs, undefined);
        const handle = await requestTraining(runtime.client, settings, {
          modelName,
          data: { keys: sources.map((s) => s.key), prefixes },
          tune: Boolean(opts.tune),
          ...(opts.tuningBudget !== undefined && { tuningBudget: opts.tuningBudget as number }),
        });
        ctx.log(`training ${modelName} in ${handle.workflowId}: ${workflowUrl(runtime, handle.workflowId)}`);
        const outcome = await handle.result();
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
              ...(outcome.tuning && {
                tuning: { best: outcome.tuning.best, tried: outcome.tuning.tried.length, folds: outcome.tuning.folds },
              }),
            }),
          );
        } else {
          ctx.out(
            `${modelName}@${outcome.modelVersion}: ${outcome.promoted ? 'promoted' : 'not promoted'} (${outcome.decision}); ` +
              `accuracy ${(100 * outcome.metrics.accuracy).toFixed(2)}%, macro F1 ${(100 * outcome.metrics.macroF1).toFixed(2)}% on ${outcome.testRows} held-out rows` +
              (outcome.tuning
                ? `; tuned: ${outcome.tuning.best.id} (mean macro F1 ${(100 * outcome.tuning.best.meanMacroF1).toFixed(2)}% over ${outcome.tuning.folds} folds, ${outcome.tuning.tried.length} tried)`
                : ''),
          );
        }
      } finally {
        await runtime.close();
      }
    });
}

import type { Command } from 'commander';
import { ModelRegistry } from '../../model';
import { buildDependencies, buildStore } from '../../workers/dependencies';
import { checkModelName, requireRollbackTarget, requireVersion } from '../validate';
import { openRuntime } from '../runtime';
import { describeModel, runManualPromotion } from '../training-models';
import type { CliContext } from './context';
import { examples } from './examples';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** `models`, `promote <version>` and `rollback`: the model registry seen and steered by a person. */
export function registerModels(program: Command, ctx: CliContext): void {
  program
    .command('models')
    .description("a model's versions with their held-out metrics, which one is latest, and when and why each was promoted")
    .addHelpText('after', examples(['nlp-batch models', 'nlp-batch models --model spam --json']))
    .option('--model <name>', 'model name (default: MODEL_NAME)')
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      const settings = ctx.settings();
      const modelName = checkModelName(opts.model ?? settings.pipeline.modelName);
      // The registry is all this needs: no Temporal connection.
      const deps = buildDependencies(settings);
      const view = await describeModel(deps.store, deps.registry, modelName);
      if (opts.json) {
        ctx.out(JSON.stringify(view));
        return;
      }
      if (view.versions.length === 0) {
        ctx.out(`${modelName}: no versions yet (train one with: nlp-batch train --data <file> --model ${modelName})`);
        return;
      }
      ctx.out(
        view.latest
          ? `${modelName}: latest ${view.latest.version} since ${view.latest.promotedAt} (${view.latest.reason}); previous ${view.latest.previousVersion ?? 'none'}`
          : `${modelName}: no version promoted yet`,
      );
      for (const v of view.versions) {
        const metrics = v.metrics
          ? `accuracy ${pct(v.metrics.accuracy)}  macro F1 ${pct(v.metrics.macroF1)} on ${v.metrics.testRows} rows`
          : 'no metrics';
        const origin = v.trigger ? `  ${v.trigger}: ${v.trainingReason ?? ''}` : '';
        ctx.out(
          `${v.latest ? '*' : ' '} ${v.version.padEnd(5)} ${v.complete ? '' : '(incomplete) '}${metrics}  trained on ${v.trainRows ?? '?'} rows${v.savedAt ? ` at ${v.savedAt}` : ''}${origin}`,
        );
        for (const p of v.promotions) ctx.out(`        promoted ${p.promotedAt} by ${p.workflowId}: ${p.reason}`);
      }
    });

  program
    .command('promote')
    .description('make a version the latest (compare-and-set, recorded as a manualPromotion workflow, notified)')
    .addHelpText('after', examples(['nlp-batch promote v3', 'nlp-batch promote v2 --model spam --reason "v3 flags invoices as spam"']))
    .argument('<version>', 'e.g. v3')
    .option('--model <name>', 'model name (default: MODEL_NAME)')
    .option('--reason <text>', 'why (kept in latest.json, the promotion log and the notification)', 'promoted from the command line')
    .option('--json', 'print the outcome as one JSON object')
    .action(async (version: string, opts) => {
      await manual(ctx, { action: 'promote', version, model: opts.model, reason: opts.reason, json: opts.json });
    });

  program
    .command('rollback')
    .description("point latest back at latest.json's previousVersion (a second rollback undoes the first)")
    .addHelpText('after', examples(['nlp-batch rollback', 'nlp-batch rollback --model spam --reason "v4 misroutes invoices"']))
    .option('--model <name>', 'model name (default: MODEL_NAME)')
    .option('--reason <text>', 'why', 'rolled back from the command line')
    .option('--json', 'print the outcome as one JSON object')
    .action(async (opts) => {
      await manual(ctx, { action: 'rollback', model: opts.model, reason: opts.reason, json: opts.json });
    });
}

async function manual(
  ctx: CliContext,
  o: { action: 'promote' | 'rollback'; version?: string; model?: string; reason: string; json?: boolean },
): Promise<void> {
  const settings = ctx.settings();
  const modelName = checkModelName(o.model ?? settings.pipeline.modelName);
  // Checked against the registry before the workflow starts: "no version v99" beats a failed run.
  const registry = new ModelRegistry(buildStore(settings));
  if (o.action === 'promote') await requireVersion(registry, modelName, o.version as string);
  else await requireRollbackTarget(registry, modelName);
  const runtime = await openRuntime(settings, { worker: true, log: ctx.log });
  try {
    const outcome = await runManualPromotion(runtime.client, settings, {
      version: 1,
      modelName,
      action: o.action,
      ...(o.version !== undefined && { targetVersion: o.version }),
      reason: o.reason,
    });
    if (o.json) ctx.out(JSON.stringify(outcome));
    else if (!outcome.changed) ctx.out(`${modelName}: ${outcome.toVersion} already is the latest version; nothing changed`);
    else ctx.out(`${modelName}: latest ${outcome.fromVersion ?? 'none'} -> ${outcome.toVersion} (${o.action})`);
  } finally {
    await runtime.close();
  }
}

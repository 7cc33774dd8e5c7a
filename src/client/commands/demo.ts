import path from 'node:path';
import type { Command } from 'commander';
import { parseJsonl } from '../../pipeline/jsonl';
import { layout } from '../../pipeline/layout';
import type { ResultRecord } from '../../pipeline/records';
import { writeDemoFiles } from '../demo-data';
import { newBatchId, startIngest } from '../ingest';
import { trainingProgress, waitWithPhases, waitWithProgress } from '../progress';
import { openRuntime, workflowUrl } from '../runtime';
import { requestTraining } from '../train';
import { uploadInputs } from '../upload-inputs';
import { untilInterrupted } from '../until-interrupted';
import type { CliContext } from './context';
import { examples } from './examples';

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('the main job on embedded defaults: train a model on real mail if none exists, then ingest a batch')
    .addHelpText('after', examples(['npm start', 'nlp-batch demo --exit', 'nlp-batch demo --limit 200 --exit']))
    .option('--exit', 'exit after the summary instead of serving the UI (the default when CI=true)')
    .option('--limit <n>', 'ingest at most this many incoming messages')
    .action(async (opts) => {
      const settings = ctx.settings();
      const exitAfter = Boolean(opts.exit) || ctx.ci;
      const modelName = settings.pipeline.modelName;
      const runtime = await openRuntime(settings, { worker: true, forceWorker: true, codecServer: true, log: ctx.log });
      try {
        const files = await writeDemoFiles(path.join(settings.dataDir, 'demo'), opts.limit ? Number(opts.limit) : undefined);
        const { store, registry } = runtime.deps;
        ctx.log(
          `held-out batch: ${files.split.incoming} messages sharing no content with the ${files.split.training} training messages ` +
            `(${files.split.duplicates} duplicates dropped, ${files.split.nearDuplicatesMoved} near-duplicates kept on the training side)`,
        );

        if (!(await registry.latest(modelName))) {
          ctx.log(`no model "${modelName}" yet: training one on ${path.basename(files.training)} (SpamAssassin, real labelled mail)`);
          const [training] = await uploadInputs(store, 'demo-training', [files.training], 'csv');
          const handle = await requestTraining(runtime.client, settings, {
            modelName,
            data: { keys: [training.key] },
            reason: 'first model for the demo',
          });
          ctx.log(`  continuousTraining: ${workflowUrl(runtime, handle.workflowId)}`);
          const outcome = await waitWithPhases(handle, handle.result(), trainingProgress);
          ctx.log(
            `  ${modelName}@${outcome.modelVersion} ${outcome.promoted ? 'promoted' : 'not promoted'}: accuracy ${pct(outcome.metrics.accuracy)}, ` +
              `macro F1 ${pct(outcome.metrics.macroF1)} on ${outcome.testRows} held-out messages`,
          );
        }

        const batchId = newBatchId();
        const sources = await uploadInputs(store, batchId, files.incoming, undefined);
        const handle = await startIngest(runtime.client, settings, { batchId, sources });
        ctx.log(`ingestBatch ${handle.workflowId}: ${workflowUrl(runtime, handle.workflowId)}`);
        const result = await waitWithProgress(handle);

        let labelled = 0;
        let correct = 0;
        const manifest = JSON.parse((await store.get(result.manifestKey)).toString('utf8')) as { parts: Array<{ key: string }> };
        for (const { key } of manifest.parts) {
          for (const r of parseJsonl<ResultRecord>(await store.get(key), key)) {
            if (r.label === null) continue;
            labelled++;
            if (r.label === r.predictedLabel) correct++;
          }
        }
        const lines = [
          '',
          `Batch ${result.batchId} (${modelName}@${result.modelVersion})`,
          `  input rows   ${result.inputRows}`,
          `  scored       ${result.scored}   ${Object.entries(result.predictedCounts)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')}`,
          `  quarantined  ${result.quarantined}   (${result.quarantineFiles > 0 ? `reasons in ${result.quarantinePrefix}` : 'none'})`,
          `  reconciled   ${result.inputRows} = ${result.scored} + ${result.quarantined}`,
          labelled > 0 ? `  accuracy     ${pct(correct / labelled)} on ${labelled} labelled rows` : '',
          `  manifest     ${storePath(runtime.deps.store.location, result.manifestKey)}`,
          `  report       ${storePath(runtime.deps.store.location, layout.batchReport(result.batchId))}`,
          `  export       npx nlp-batch export ${result.batchId} --out results.jsonl   (--format csv|parquet)`,
          `  query        npx nlp-batch query "SELECT predictedLabel, count(*) FROM results WHERE batch = '${result.batchId}' GROUP BY 1"`,
          `  Temporal UI  ${workflowUrl(runtime, handle.workflowId)}`,
          '',
        ].filter((l) => l !== '');
        ctx.out(lines.join('\n'));

        if (!exitAfter && runtime.started.server) {
          ctx.log(`serving the Temporal UI at ${runtime.uiUrl}; press Ctrl-C to stop`);
          await untilInterrupted();
        }
      } finally {
        await runtime.close();
      }
    });
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

function storePath(location: string, key: string): string {
  return location.startsWith('fs:') ? path.join(location.slice(3), key) : `${location}/${key}`;
}

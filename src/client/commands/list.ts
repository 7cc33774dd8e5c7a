import type { Command } from 'commander';
import { openRuntime } from '../runtime';
import type { CliContext } from './context';
import { examples } from './examples';

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description('recent pipeline workflows from visibility, with their search attributes')
    .addHelpText(
      'after',
      examples([
        'nlp-batch list',
        'nlp-batch list --query "ModelVersion = \'v3\'" --json',
        'nlp-batch list --query "WorkflowType = \'continuousTraining\'" --limit 5',
      ]),
    )
    .option('--query <q>', `visibility query, e.g. "ModelVersion = 'v3'"`)
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'one JSON object per line')
    .action(async (opts) => {
      const runtime = await openRuntime(ctx.settings(), { worker: false, log: ctx.log });
      try {
        let n = 0;
        const limit = Number(opts.limit);
        for await (const wf of runtime.client.workflow.list({ query: opts.query })) {
          if (n++ >= limit) break;
          const attrs = Object.fromEntries(wf.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
          if (opts.json) {
            ctx.out(
              JSON.stringify({
                workflowId: wf.workflowId,
                type: wf.type,
                status: wf.status.name,
                startTime: wf.startTime,
                searchAttributes: attrs,
                memo: wf.memo ?? {},
              }),
            );
          } else {
            const summary = Object.entries(attrs)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(' ');
            ctx.out(`${wf.startTime.toISOString()}  ${wf.status.name.padEnd(10)} ${wf.type.padEnd(18)} ${wf.workflowId}  ${summary}`);
          }
        }
      } finally {
        await runtime.close();
      }
    });
}

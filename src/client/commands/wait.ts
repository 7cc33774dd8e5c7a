import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { connectClient } from '../../temporal/connection';
import { openRuntime } from '../runtime';
import { UserError } from '../user-error';
import { batchResultJson, waitForBatch, workflowIdOf } from '../wait-for-batch';
import type { CliContext } from './context';
import { examples } from './examples';

export function registerWait(program: Command, ctx: CliContext): void {
  program
    .command('wait')
    .description('re-attach to a running ingestBatch (by workflow or batch id) and wait for it; prints the same JSON as `ingest --json`')
    .argument('<workflowId>', 'ingest-<batchId>, or the batch id')
    .addHelpText(
      'after',
      examples(['nlp-batch wait ingest-b20261127-152305-0fc907', 'nlp-batch wait b20261127-152305-0fc907 > result.json']),
    )
    .action(async (id: string) => {
      const settings = ctx.settings();
      const workflowId = workflowIdOf(id);
      const runtime = await openRuntime(settings, { worker: false, log: ctx.log });
      try {
        const waited = await waitForBatch({
          client: runtime.client,
          reconnect: () => connectClient(settings.temporal, runtime.dataConverter),
          workflowId,
          log: ctx.log,
        }).catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) throw new UserError(`no workflow ${workflowId}`);
          throw err;
        });
        if (waited.client !== runtime.client) await waited.client.connection.close().catch(() => undefined);
        ctx.out(JSON.stringify(batchResultJson(workflowId, waited.result)));
      } finally {
        await runtime.close();
      }
    });
}

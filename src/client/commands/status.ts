import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ingestQueries } from '../../contracts/ingest-batch';
import { openRuntime, workflowUrl } from '../runtime';
import { UserError } from '../user-error';
import type { CliContext } from './context';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("a workflow's status and, while it runs, its progress")
    .argument('<workflowId>')
    .action(async (workflowId: string) => {
      const runtime = await openRuntime(ctx.settings(), { worker: false, log: ctx.log });
      try {
        const handle = runtime.client.workflow.getHandle(workflowId);
        const description = await handle.describe().catch((err) => {
          if (err instanceof WorkflowNotFoundError) throw new UserError(`no workflow ${workflowId}`);
          throw err;
        });
        const status: Record<string, unknown> = {
          workflowId,
          runId: description.runId,
          type: description.type,
          status: description.status.name,
          startTime: description.startTime.toISOString(),
          closeTime: description.closeTime?.toISOString() ?? null,
          searchAttributes: Object.fromEntries(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])),
          url: workflowUrl(runtime, workflowId),
        };
        if (description.type === 'ingestBatch') {
          status.progress = await handle.query(ingestQueries.progress).catch(() => null);
        }
        ctx.out(JSON.stringify(status, null, 2));
      } finally {
        await runtime.close();
      }
    });
}

import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { CONTINUOUS_TRAINING_WORKFLOW, trainingQueries } from '../../contracts/continuous-training';
import { DRIFT_CORRECTION_WORKFLOW, driftQueries } from '../../contracts/drift-correction';
import { INGEST_BATCH_WORKFLOW, ingestQueries } from '../../contracts/ingest-batch';
import { queryWithin } from '../progress';
import { openRuntime, workflowUrl } from '../runtime';
import { UserError } from '../user-error';
import type { CliContext } from './context';
import { examples } from './examples';

/** Workflow type -> the query that reports its progress. */
const PROGRESS_QUERIES: Record<string, string> = {
  [INGEST_BATCH_WORKFLOW]: ingestQueries.progress,
  [CONTINUOUS_TRAINING_WORKFLOW]: trainingQueries.status,
  [DRIFT_CORRECTION_WORKFLOW]: driftQueries.status,
};

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("a workflow's status and, while it runs, its progress (ingestBatch, continuousTraining, driftCorrection)")
    .addHelpText(
      'after',
      examples(['nlp-batch status ingest-b20261127-152305-0fc907', 'nlp-batch status train-default', 'nlp-batch status drift-default']),
    )
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
        // Each pipeline workflow answers a query with its progress; only a running one is asked
        // (a closed run would need a worker to replay it just to say "done").
        const query = PROGRESS_QUERIES[description.type];
        if (query !== undefined) {
          status.progress = description.status.name === 'RUNNING' ? await queryWithin(handle, query) : null;
        }
        ctx.out(JSON.stringify(status, null, 2));
      } finally {
        await runtime.close();
      }
    });
}

import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { codecDataConverter, createPayloadCodec } from '../../codec';
import { workflowsPath } from '../../workers/pipeline-worker';
import { describeOutcome, readHistoryFile, replayHistories, type ReplayOutcome } from '../replay';
import { openRuntime, type PipelineRuntime } from '../runtime';
import { UserError } from '../user-error';
import type { CliContext } from './context';
import { examples } from './examples';

type Source = HistoryAndWorkflowId & { source: string };

async function isFile(target: string): Promise<boolean> {
  return fs.stat(target).then(
    (s) => s.isFile(),
    () => false,
  );
}

export function registerReplay(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description('replay workflow histories against the current workflow code: a determinism error means this code would break those runs')
    .addHelpText(
      'after',
      examples([
        'nlp-batch replay ingest-b20261127-152305-0fc907',
        'nlp-batch replay test/fixtures/histories/ingestBatch.json',
        'nlp-batch replay --query "ExecutionStatus = \'Running\'" --json',
      ]),
    )
    .argument(
      '[targets...]',
      'workflow ids (latest run) or history files (JSON from the capture script or `temporal workflow show --output json`)',
    )
    .option('--query <q>', `every run a visibility query returns, e.g. "WorkflowType = 'ingestBatch' AND ExecutionStatus = 'Running'"`)
    .option('--limit <n>', 'with --query: at most this many runs', '100')
    .option('--json', 'one JSON object per history')
    .action(async (targets: string[], opts) => {
      if (targets.length === 0 && !opts.query) throw new UserError('give workflow ids, history files, or --query');
      const settings = ctx.settings();
      const files: string[] = [];
      const ids: string[] = [];
      for (const t of targets) ((await isFile(t)) || t.endsWith('.json') ? files : ids).push(t);

      let runtime: PipelineRuntime | undefined;
      try {
        const sources: Source[] = [];
        for (const file of files) sources.push(await readHistoryFile(file));
        if (ids.length > 0 || opts.query) {
          runtime = await openRuntime(settings, { worker: false, log: ctx.log });
          const client = runtime.client;
          for (const id of ids) {
            const history = await client.workflow
              .getHandle(id)
              .fetchHistory()
              .catch((err) => {
                if (err instanceof WorkflowNotFoundError) throw new UserError(`no workflow ${id}`);
                throw err;
              });
            sources.push({ workflowId: id, history, source: `workflow ${id}` });
          }
          if (opts.query) {
            const limit = Number(opts.limit);
            for await (const h of client.workflow.list({ query: opts.query }).intoHistories()) {
              if (sources.length - files.length - ids.length >= limit) break;
              sources.push({ ...h, source: `query result ${h.workflowId}` });
            }
          }
        }
        if (sources.length === 0) throw new UserError(`no workflow matches ${JSON.stringify(opts.query)}`);
        const dataConverter = runtime?.dataConverter ?? codecDataConverter(await createPayloadCodec(settings, ctx.log));
        ctx.log(`replaying ${sources.length} ${sources.length === 1 ? 'history' : 'histories'} against ${workflowsPath()}`);
        const outcomes: ReplayOutcome[] = await replayHistories(sources, { workflowsPath: workflowsPath(), dataConverter });
        for (const o of outcomes) ctx.out(opts.json ? JSON.stringify(o) : describeOutcome(o));
        const failed = outcomes.filter((o) => !o.ok);
        if (failed.length > 0) {
          const nondeterministic = failed.filter((o) => o.error?.kind === 'nondeterminism').length;
          throw new UserError(
            `${failed.length} of ${outcomes.length} histories failed to replay (${nondeterministic} nondeterministic); see docs/replay.md`,
          );
        }
      } finally {
        await runtime?.close();
      }
    });
}

/**
 * The ETL task the local process runner spawns when no Glue is configured: cleans staged shard
 * `AWS_BATCH_JOB_ARRAY_INDEX` of the spec at `SPEC_KEY` with the same code as the in-worker
 * activity. Same environment and exit codes as the scoring entrypoint.
 */
import { runEtlTask } from '../jobs/etl-task';
import { runTaskMain } from '../jobs/task-main';

export function main(): Promise<never> {
  return runTaskMain('etl-entrypoint', async ({ store, task }) => {
    const out = await runEtlTask({ store, specKey: task.specKey, index: task.index });
    return `shard ${task.index} attempt ${task.attempt}: ${out.rows} rows -> ${out.outputKey}`;
  });
}

if (require.main === module) void main();

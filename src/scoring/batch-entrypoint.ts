/**
 * The scoring task AWS Batch runs (one array child per processed shard) and the local process
 * runner spawns: `SPEC_KEY` names the job spec in the object store, `AWS_BATCH_JOB_ARRAY_INDEX`
 * (default 0) the shard. Store settings come from the environment (STORE=fs|s3, S3_BUCKET, ...).
 * Exit codes: 0 done, 2 permanent failure (Batch does not retry it), 1 anything retryable.
 */
import { ModelRegistry } from '../model/registry';
import { runScoringTask } from '../jobs/scoring-task';
import { runTaskMain } from '../jobs/task-main';

export function main(): Promise<never> {
  return runTaskMain('batch-entrypoint', async ({ store, task }) => {
    const out = await runScoringTask({ store, registry: new ModelRegistry(store), specKey: task.specKey, index: task.index });
    return `shard ${task.index} attempt ${task.attempt}: ${out.rows} rows -> ${out.resultKey}`;
  });
}

if (require.main === module) void main();

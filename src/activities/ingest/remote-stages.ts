import { ApplicationFailure } from '@temporalio/activity';
import { remoteJobFailureTypes } from '../../contracts/ingest-batch';
import { jobSpecKey } from '../../jobs/job-spec-key';
import type { EtlJobSpec, JobSpec, RemoteJobRunner, ScoringJobSpec } from '../../jobs/remote-job';
import { batchLayout, layout } from '../../pipeline/layout';
import { shardsOfBlocks } from '../../pipeline/shard-blocks';
import type { ObjectStore } from '../../storage/object-store';
import type { ModelCache } from './model-cache';
import type { ShardRangeRef } from './types';

export interface RemoteRunners {
  /** AWS Glue (ETL=glue); absent: cleaning runs in the worker. */
  etl?: RemoteJobRunner<EtlJobSpec>;
  /** Local processes (BATCH=local) or AWS Batch (BATCH=aws); absent: scoring runs in the worker. */
  scoring?: RemoteJobRunner<ScoringJobSpec>;
  /** How long the workflow waits between two polls at first (it backs off from there). */
  pollMs?: number;
}

export { remoteJobFailureTypes };

export async function closeRunners(runners: RemoteRunners | undefined): Promise<void> {
  await Promise.all([runners?.etl?.close?.(), runners?.scoring?.close?.()]);
}

export type RemoteStage = 'etl' | 'scoring';

export type RemoteJobStatus =
  | { state: 'running'; detail?: string }
  | { state: 'succeeded' }
  | { state: 'failed'; code: string; reason: string; message: string; permanent?: boolean };

/**
 * The two stages that can run outside the worker (Glue, local processes, AWS Batch), one job per
 * range of a batch's shards. A job is driven by three short activities — submit, poll, stop — and
 * the workflow waits between polls on a timer, so a job that runs for hours holds no activity slot
 * meanwhile. Specs are claim-checked: the job receives the key of a spec written to the store.
 */
export function createRemoteStages(store: ObjectStore, models: ModelCache, runners: RemoteRunners) {
  const runnerFor = (stage: RemoteStage): RemoteJobRunner<JobSpec> => {
    const runner = (stage === 'etl' ? runners.etl : runners.scoring) as RemoteJobRunner<JobSpec> | undefined;
    if (!runner) {
      throw ApplicationFailure.create({
        type: remoteJobFailureTypes.notConfigured,
        nonRetryable: true,
        message: `no ${stage} runner is configured on this worker (see ETL and BATCH in the configuration)`,
      });
    }
    return runner;
  };

  async function specFor(stage: RemoteStage, input: ShardRangeRef): Promise<JobSpec> {
    const { batchId, range, model } = input;
    const shards = shardsOfBlocks(input.blocks);
    if (stage === 'etl') {
      const { text } = (await models.get(model.modelName, model.modelVersion)).config;
      return {
        kind: 'etl',
        batchId,
        range,
        inputKeys: shards.map((s) => batchLayout.stagedShard(batchId, s.sourceIndex, s.local)),
        outputKeys: shards.map((s) => layout.processed(batchId, s.index)),
        textOptions: { language: text.language, keepNegations: text.keepNegations, stem: text.stem, detectLanguage: text.detectLanguage },
        // Every ETL path redacts the same way: the Glue job before cleaning, like the in-worker stage.
        ...(input.redactPii && { redactPii: true }),
      };
    }
    return {
      kind: 'scoring',
      batchId,
      range,
      modelName: model.modelName,
      modelVersion: model.modelVersion,
      processedKeys: shards.map((s) => layout.processed(batchId, s.index)),
      resultKeys: shards.map((s) => layout.resultPart(batchId, s.index)),
    };
  }

  return {
    /**
     * Writes the range's spec and submits its job. The token is stable for the range and stage, so
     * a retried submit (a lost completion) finds the job it already started; after a failed job
     * the runners skip it and start a new one.
     */
    async submitRemoteJob(input: ShardRangeRef & { stage: RemoteStage }): Promise<{ jobId: string; pollMs: number }> {
      const runner = runnerFor(input.stage);
      const spec = await specFor(input.stage, input);
      await store.put(jobSpecKey(input.batchId, input.stage, input.range), JSON.stringify(spec), { contentType: 'application/json' });
      const token = `${input.batchId}-r${String(input.range).padStart(4, '0')}-${input.stage}`;
      // The first wait between polls: fast for local processes, slower for AWS (the workflow backs off).
      return { jobId: await runner.submit(spec, token), pollMs: runners.pollMs ?? 2000 };
    },

    /** One look at a job: the workflow sleeps between looks. */
    async pollRemoteJob(input: { stage: RemoteStage; jobId: string }): Promise<RemoteJobStatus> {
      const runner = runnerFor(input.stage);
      const state = await runner.status(input.jobId);
      if (state.state !== 'failed') return state;
      return { ...state, message: `${runner.name} job ${input.jobId} ${state.code}: ${state.reason}` };
    },

    async stopRemoteJob(input: { stage: RemoteStage; jobId: string; reason: string }): Promise<void> {
      await runnerFor(input.stage).stop(input.jobId, input.reason);
    },
  };
}

import type { EtlJobSpec, RemoteJobRunner, ScoringJobSpec } from '../../jobs/remote-job';
import { readScoringSummary } from '../../jobs/scoring-summary';
import { layout } from '../../pipeline/layout';
import type { ObjectStore } from '../../storage/object-store';
import type { ModelCache } from './model-cache';
import { runRemoteJob } from './run-remote-job';
import type { ResolvedModel, ScoreShardOutput, StagedShard } from './types';

export interface RemoteRunners {
  /** AWS Glue (ETL=glue); absent: cleaning runs in the worker. */
  etl?: RemoteJobRunner<EtlJobSpec>;
  /** Local processes (BATCH=local) or AWS Batch (BATCH=aws); absent: scoring runs in the worker. */
  scoring?: RemoteJobRunner<ScoringJobSpec>;
  pollMs?: number;
}

export async function closeRunners(runners: RemoteRunners | undefined): Promise<void> {
  await Promise.all([runners?.etl?.close?.(), runners?.scoring?.close?.()]);
}

/** The two stages that can run outside the worker, each as one job over every shard of a batch. */
export function createRemoteStages(store: ObjectStore, models: ModelCache, runners: RemoteRunners) {
  const pollMs = runners.pollMs ?? 2000;
  return {
    async runEtlJob(input: {
      batchId: string;
      shards: StagedShard[];
      model: ResolvedModel;
      redactPii?: boolean;
    }): Promise<{ processedKeys: string[] }> {
      const { text } = (await models.get(input.model.modelName, input.model.modelVersion)).config;
      const processedKeys = input.shards.map((s) => layout.processed(input.batchId, s.index));
      await runRemoteJob(
        store,
        runners.etl,
        {
          kind: 'etl',
          batchId: input.batchId,
          inputKeys: input.shards.map((s) => s.key),
          outputKeys: processedKeys,
          textOptions: { language: text.language, keepNegations: text.keepNegations, stem: text.stem, detectLanguage: text.detectLanguage },
          // Every ETL path redacts the same way: the Glue job before cleaning, like the in-worker stage.
          ...(input.redactPii && { redactPii: true }),
        },
        pollMs,
      );
      return { processedKeys };
    },

    async runScoringJob(input: {
      batchId: string;
      shards: Array<{ index: number; processedKey: string }>;
      model: ResolvedModel;
    }): Promise<ScoreShardOutput[]> {
      const resultKeys = input.shards.map((s) => layout.resultPart(input.batchId, s.index));
      await runRemoteJob(
        store,
        runners.scoring,
        {
          kind: 'scoring',
          batchId: input.batchId,
          modelName: input.model.modelName,
          modelVersion: input.model.modelVersion,
          processedKeys: input.shards.map((s) => s.processedKey),
          resultKeys,
        },
        pollMs,
      );
      // Each task wrote a small summary beside its part: no need to read the parts back.
      return Promise.all(
        input.shards.map(async (shard, i) => {
          const summary = await readScoringSummary(store, resultKeys[i]);
          return {
            index: shard.index,
            resultKey: resultKeys[i],
            rows: summary.rows,
            sha256: summary.sha256,
            predictedCounts: summary.predictedCounts,
          };
        }),
      );
    },
  };
}

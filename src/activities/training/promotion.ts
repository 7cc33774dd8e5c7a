import { ApplicationFailure, Context } from '@temporalio/activity';
import { trainingFailureTypes } from '../../contracts/continuous-training';
import { ModelArtifactError, type ModelRegistry } from '../../model';
import { PreconditionFailedError, type ObjectStore } from '../../storage/object-store';
import { promotionLogKey, type PromotionLogEntry } from '../../training/promotion-log';
import type { ChampionRef } from './types';

export const CONCURRENT_PROMOTION = trainingFailureTypes.concurrentPromotion;

export function createPromotionActivities(registry: ModelRegistry, store: ObjectStore) {
  return {
    async describeChampion({ modelName }: { modelName: string }): Promise<ChampionRef | null> {
      const latest = await registry.latest(modelName);
      return latest
        ? {
            version: latest.version,
            etag: latest.etag,
            previousVersion: latest.previousVersion,
            promotedAt: latest.promotedAt,
            reason: latest.reason,
          }
        : null;
    },

    /**
     * Moves latest.json by compare-and-set on the etag read with the champion: when another run
     * promoted meanwhile, this fails with ConcurrentPromotion and the caller decides again against
     * the new champion instead of overwriting it. Each promotion is also logged under
     * models/<name>/promotions/, which is how `nlp-batch models` knows when and why every version
     * was promoted (latest.json only remembers the last one).
     */
    async promoteModel(input: {
      modelName: string;
      version: string;
      expectedEtag: string | null;
      reason: string;
    }): Promise<{ promotedAt: string }> {
      try {
        await registry.promote(input.modelName, input.version, { expectedEtag: input.expectedEtag ?? undefined, reason: input.reason });
      } catch (err) {
        if (err instanceof PreconditionFailedError && (await wroteItAlready(registry, input))) {
          // An earlier attempt of this activity wrote the pointer and then lost its completion.
        } else if (err instanceof PreconditionFailedError) {
          throw ApplicationFailure.create({
            type: CONCURRENT_PROMOTION,
            nonRetryable: true,
            message: `latest.json of ${input.modelName} changed concurrently`,
          });
        }
        if (err instanceof ModelArtifactError || err instanceof RangeError) {
          throw ApplicationFailure.create({
            type: trainingFailureTypes.unknownVersion,
            nonRetryable: true,
            message: `cannot promote ${input.modelName}@${input.version}: ${err.message}`,
          });
        } else {
          throw err;
        }
      }
      const latest = await registry.latest(input.modelName);
      const entry: PromotionLogEntry = {
        version: input.version,
        previousVersion: latest?.version === input.version ? latest.previousVersion : null,
        promotedAt: latest?.version === input.version ? latest.promotedAt : new Date().toISOString(),
        reason: input.reason,
        workflowId: Context.current().info.workflowExecution?.workflowId ?? 'none',
      };
      await store.put(promotionLogKey(input.modelName, entry), JSON.stringify(entry), { contentType: 'application/json' });
      return { promotedAt: entry.promotedAt };
    },
  };
}

async function wroteItAlready(registry: ModelRegistry, input: { modelName: string; version: string; reason: string }): Promise<boolean> {
  const latest = await registry.latest(input.modelName);
  return latest?.version === input.version && latest.reason === input.reason;
}

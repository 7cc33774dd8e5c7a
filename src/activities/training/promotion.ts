import { ApplicationFailure, Context } from '@temporalio/activity';
import { trainingFailureTypes } from '../../contracts/continuous-training';
import { ModelArtifactError, type ModelRegistry } from '../../model';
import { PreconditionFailedError, type ObjectStore } from '../../storage/object-store';
import { promotionLogKey, type PromotionLogEntry } from '../../training/promotion-log';
import type { ChampionRef } from './types';

export const CONCURRENT_PROMOTION = trainingFailureTypes.concurrentPromotion;

/**
 * The id a promotion is recorded under in latest.json: the workflow run and the activity, which
 * every retry of the same promoteModel call shares and no other promotion does.
 */
export function promotionIdOf(info: Context['info']): string {
  const run = info.workflowExecution;
  return `${run?.workflowId ?? 'none'}/${run?.runId ?? 'none'}/${info.activityId}`;
}

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
     * Moves latest.json by compare-and-set on the etag read with the champion (null: there was no
     * champion, so none may exist now): when another run promoted meanwhile, this fails with
     * ConcurrentPromotion and the caller decides again against the new champion instead of
     * overwriting it. Each promotion is also logged under models/<name>/promotions/, which is how
     * `nlp-batch models` knows when and why every version was promoted.
     *
     * Idempotent: the pointer records this call's promotion id. When an earlier attempt wrote it
     * and then lost its completion (a worker crash, a timeout), the retry's compare-and-set fails,
     * finds its own id in latest.json, and finishes the job: the log entry (at a key derived from
     * the pointer's own time, so a repeat overwrites it) and the completion.
     */
    async promoteModel(input: {
      modelName: string;
      version: string;
      expectedEtag: string | null;
      reason: string;
    }): Promise<{ promotedAt: string }> {
      const info = Context.current().info;
      const promotionId = promotionIdOf(info);
      try {
        await registry.promote(input.modelName, input.version, { expectedEtag: input.expectedEtag, reason: input.reason, promotionId });
      } catch (err) {
        if (err instanceof PreconditionFailedError) {
          const latest = await registry.latest(input.modelName);
          if (latest?.promotionId !== promotionId || latest.version !== input.version) {
            throw ApplicationFailure.create({
              type: CONCURRENT_PROMOTION,
              nonRetryable: true,
              message: `latest.json of ${input.modelName} changed concurrently`,
            });
          }
          // An earlier attempt of this very call wrote the pointer: carry on with the log.
        } else if (err instanceof ModelArtifactError || err instanceof RangeError) {
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
      const ours = latest?.version === input.version && latest.promotionId === promotionId;
      const entry: PromotionLogEntry = {
        version: input.version,
        previousVersion: ours ? latest.previousVersion : null,
        promotedAt: ours ? latest.promotedAt : new Date().toISOString(),
        reason: input.reason,
        workflowId: info.workflowExecution?.workflowId ?? 'none',
        promotionId,
      };
      await store.put(promotionLogKey(input.modelName, entry), JSON.stringify(entry), { contentType: 'application/json' });
      return { promotedAt: entry.promotedAt };
    },
  };
}

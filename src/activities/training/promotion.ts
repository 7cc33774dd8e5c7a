import { ApplicationFailure } from '@temporalio/activity';
import type { ModelRegistry } from '../../model';
import { PreconditionFailedError } from '../../storage/object-store';
import type { ChampionRef } from './types';

export const CONCURRENT_PROMOTION = 'ConcurrentPromotion';

export function createPromotionActivities(registry: ModelRegistry) {
  return {
    async describeChampion({ modelName }: { modelName: string }): Promise<ChampionRef | null> {
      const latest = await registry.latest(modelName);
      return latest ? { version: latest.version, etag: latest.etag } : null;
    },

    /**
     * Moves latest.json by compare-and-set on the etag read with the champion: when another run
     * promoted meanwhile, this fails with ConcurrentPromotion and the workflow re-decides against
     * the new champion instead of overwriting it.
     */
    async promoteModel(input: { modelName: string; version: string; expectedEtag: string | null; reason: string }): Promise<void> {
      try {
        await registry.promote(input.modelName, input.version, { expectedEtag: input.expectedEtag ?? undefined, reason: input.reason });
      } catch (err) {
        if (err instanceof PreconditionFailedError) {
          throw ApplicationFailure.create({ type: CONCURRENT_PROMOTION, nonRetryable: true, message: `latest.json of ${input.modelName} changed concurrently` });
        }
        throw err;
      }
    },
  };
}

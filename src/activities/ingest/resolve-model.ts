import { ApplicationFailure } from '@temporalio/activity';
import { ModelArtifactError, type ModelRegistry } from '../../model';
import { ingestFailureTypes } from '../../contracts/ingest-batch';
import type { ResolvedModel } from './types';

/**
 * Pins the model version a batch scores with: read once, at the start, from `latest.json`. A name
 * that is not a registry key, a model never promoted and an unreadable pointer are the caller's to
 * fix: they fail at once (non-retryable, typed, naming the model) instead of being retried.
 */
export function createResolveModel(registry: ModelRegistry) {
  return async function resolveModel({ modelName }: { modelName: string }): Promise<ResolvedModel> {
    let latest: Awaited<ReturnType<ModelRegistry['latest']>>;
    try {
      latest = await registry.latest(modelName);
    } catch (err) {
      if (err instanceof RangeError) {
        throw ApplicationFailure.create({
          type: ingestFailureTypes.invalidModelName,
          nonRetryable: true,
          message: `model name ${JSON.stringify(modelName)} is not valid: ${err.message}`,
        });
      }
      if (err instanceof ModelArtifactError) {
        throw ApplicationFailure.create({
          type: ingestFailureTypes.modelNotFound,
          nonRetryable: true,
          message: `model ${JSON.stringify(modelName)} has an unreadable latest pointer: ${err.message}`,
        });
      }
      throw err;
    }
    if (!latest) {
      throw ApplicationFailure.create({
        type: ingestFailureTypes.modelNotFound,
        nonRetryable: true,
        message: `model "${modelName}" has no promoted version yet; train one with: npx nlp-batch train --data <files> --model ${modelName}`,
      });
    }
    return { modelName, modelVersion: latest.version };
  };
}

import { ApplicationFailure } from '@temporalio/activity';
import type { ModelRegistry } from '../../model';
import { ingestFailureTypes } from '../../contracts/ingest-batch';
import type { ResolvedModel } from './types';

/** Pins the model version a batch scores with: read once, at the start, from `latest.json`. */
export function createResolveModel(registry: ModelRegistry) {
  return async function resolveModel({ modelName }: { modelName: string }): Promise<ResolvedModel> {
    const latest = await registry.latest(modelName);
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

import { ApplicationFailure, Context } from '@temporalio/activity';
import { driftFailureTypes } from '../../contracts/drift-correction';
import type { ModelRegistry } from '../../model';
import type { ObjectStore } from '../../storage/object-store';
import { DEFAULT_BASELINE_OPTIONS, ensureBaselineFor, type BaselineOptions } from '../drift/baseline';
import type { ResolvedModel } from './types';

/**
 * The baseline a batch's statistics count out-of-vocabulary tokens against, computed first when
 * missing (the first batch after a new version: one pass over its training set). A version with no
 * recorded training data has none: the statistics are then written without OOV counts.
 */
export function createResolveBaseline(store: ObjectStore, registry: ModelRegistry, options: BaselineOptions = DEFAULT_BASELINE_OPTIONS) {
  return async function resolveBaseline(model: ResolvedModel): Promise<{ baselineKey: string | null }> {
    try {
      return { baselineKey: (await ensureBaselineFor(store, registry, model.modelName, model.modelVersion, options)).key };
    } catch (err) {
      if (!(err instanceof ApplicationFailure && err.type === driftFailureTypes.baselineUnavailable)) throw err;
      Context.current().log.warn('batch statistics without OOV counts: no baseline', { ...model, reason: err.message });
      return { baselineKey: null };
    }
  };
}

import type { ModelRegistry } from '../../model';
import type { Notifier } from '../../notify/notifier';
import type { ObjectStore } from '../../storage/object-store';
import { createNotify } from '../notify';
import { createAssembleTrainingSet } from './assemble-training-set';
import { createEvaluateVersion } from './evaluate-version';
import { createFitCandidate } from './fit-candidate';
import { createPromotionActivities } from './promotion';

export interface TrainingDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
  notifier: Notifier;
}

/** continuousTraining's activities. */
export function createTrainingActivities(deps: TrainingDependencies) {
  return {
    assembleTrainingSet: createAssembleTrainingSet(deps.store),
    fitCandidate: createFitCandidate(deps.store, deps.registry),
    evaluateVersion: createEvaluateVersion(deps.store, deps.registry),
    ...createPromotionActivities(deps.registry),
    notify: createNotify(deps.notifier),
  };
}

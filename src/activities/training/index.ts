import type { Client } from '@temporalio/client';
import type { ModelRegistry } from '../../model';
import type { Notifier } from '../../notify/notifier';
import type { ObjectStore } from '../../storage/object-store';
import { createNotify } from '../notify';
import { createAssembleTrainingSet } from './assemble-training-set';
import { createEvaluateVersion } from './evaluate-version';
import { createFitCandidate, createRefitCandidate, type FitCandidateOptions } from './fit-candidate';
import { createPromotionActivities } from './promotion';
import { createRequestTrainingIfDue, createSubmitTrainingRequest } from './request-training-if-due';
import { createSearchActivities } from './search';
import { createTuningActivities } from './tune';

export interface TrainingDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
  notifier: Notifier;
  /**
   * Lets the trigger activities (requestTrainingIfDue, submitTrainingRequest) start or signal
   * continuousTraining. Optional: without it they fail with TrainingClientMissing (non-retryable).
   */
  client?: Client;
  /** Task queue continuousTraining runs on; default: the calling activity's. */
  trainingTaskQueue?: string;
  maxRecordBytes?: number;
  fit?: FitCandidateOptions;
}

export type { RequestTrainingIfDueInput, RequestTrainingIfDueOutput } from './request-training-if-due';

/** continuousTraining's, scheduledTraining's and manualPromotion's activities, plus the data trigger. */
export function createTrainingActivities(deps: TrainingDependencies) {
  const trigger = { client: deps.client, store: deps.store, taskQueue: deps.trainingTaskQueue, maxRecordBytes: deps.maxRecordBytes };
  return {
    assembleTrainingSet: createAssembleTrainingSet(deps.store),
    fitCandidate: createFitCandidate(deps.store, deps.registry, deps.fit),
    refitCandidate: createRefitCandidate(deps.store, deps.registry, deps.fit),
    evaluateVersion: createEvaluateVersion(deps.store, deps.registry),
    ...createSearchActivities(deps.store),
    // The fixed-grid search, kept for runs started before the budgeted search (see the workflow's patches).
    ...createTuningActivities(deps.store),
    ...createPromotionActivities(deps.registry, deps.store),
    requestTrainingIfDue: createRequestTrainingIfDue(trigger),
    submitTrainingRequest: createSubmitTrainingRequest(trigger),
    notify: createNotify(deps.notifier),
  };
}

import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import {
  DEFAULT_TRAINING_PREFIX,
  trainingFailureTypes,
  type ContinuousTrainingInputV1,
  type ScheduledTrainingOutcomeV1,
} from '../../contracts/continuous-training';
import type { ObjectStore } from '../../storage/object-store';
import { countBatch } from '../../training/labelled-counter';
import { buildTrainingInput } from '../../training/training-input';
import { updateLabelledCounter } from './labelled-counter-store';
import { signalWithStartTraining } from './submit-training';

export interface RequestTrainingIfDueInput {
  modelName: string;
  batchId: string;
  /** Labelled rows this batch staged (rows with a non-empty label). */
  labelledRows: number;
  threshold: number;
}

export interface RequestTrainingIfDueOutput {
  requested: boolean;
  labelledSinceLastTraining: number;
}

export interface TriggerDependencies {
  /** Absent on workers built without one: the trigger activities then fail, non-retryably. */
  client?: Client;
  store: ObjectStore;
  /** Where continuousTraining runs; default: the task queue of the calling activity. */
  taskQueue?: string;
  /** Record size limit of the training input; default 1 MiB, as the settings'. */
  maxRecordBytes?: number;
}

const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

function requireClient(deps: TriggerDependencies): Client {
  if (deps.client) return deps.client;
  throw ApplicationFailure.create({
    type: trainingFailureTypes.clientMissing,
    nonRetryable: true,
    message:
      'this worker was built without a Temporal client (createTrainingActivities({ client })), so it cannot start continuousTraining',
  });
}

/**
 * The data trigger, called by ingestBatch after it staged a batch (never before: the counter
 * rule in training/labelled-counter.ts relies on counted rows already being under staged/). Adds the
 * batch's labelled rows to the model's counter by compare-and-set, and when the count reaches the
 * threshold asks for a run over `staged/`. The counter is not reset here but when a run assembles
 * its set, so a request that waits behind a running training is not forgotten; batches arriving
 * meanwhile ask again and merge into the same single follow-up run. The request id derives from
 * the batch, so a retried activity sends a duplicate the workflow ignores.
 */
export function createRequestTrainingIfDue(deps: TriggerDependencies) {
  return async function requestTrainingIfDue(input: RequestTrainingIfDueInput): Promise<RequestTrainingIfDueOutput> {
    const client = requireClient(deps);
    if (
      !(Number.isInteger(input.threshold) && input.threshold >= 1) ||
      !(Number.isInteger(input.labelledRows) && input.labelledRows >= 0)
    ) {
      throw ApplicationFailure.create({
        type: trainingFailureTypes.invalidConfig,
        nonRetryable: true,
        message: `threshold must be an integer >= 1 and labelledRows an integer >= 0 (got ${input.threshold}, ${input.labelledRows})`,
      });
    }
    const counter = await updateLabelledCounter(deps.store, input.modelName, (c) =>
      countBatch(c, input.batchId, input.labelledRows, new Date()),
    );
    if (counter.count < input.threshold) return { requested: false, labelledSinceLastTraining: counter.count };

    const training = buildTrainingInput({
      modelName: input.modelName,
      requestId: `data-${input.batchId}`,
      trigger: 'data',
      data: { prefixes: [DEFAULT_TRAINING_PREFIX] },
      reason: `${counter.count} labelled rows since the last training (threshold ${input.threshold}), batch ${input.batchId}`,
      maxRecordBytes: deps.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    });
    await signalWithStartTraining(client, deps.taskQueue ?? Context.current().info.taskQueue, training);
    return { requested: true, labelledSinceLastTraining: counter.count };
  };
}

/** scheduledTraining's one step: hand the fire's request to `train-<model>`. */
export function createSubmitTrainingRequest(deps: TriggerDependencies) {
  return async function submitTrainingRequest(input: ContinuousTrainingInputV1): Promise<ScheduledTrainingOutcomeV1> {
    const client = requireClient(deps);
    const handle = await signalWithStartTraining(client, deps.taskQueue ?? Context.current().info.taskQueue, input);
    return { workflowId: handle.workflowId, requestId: input.request.requestId };
  };
}

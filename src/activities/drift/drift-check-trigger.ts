import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { DEFAULT_DRIFT_WINDOW, driftFailureTypes, driftWorkflowId } from '../../contracts/drift-correction';
import { driftKeys } from '../../drift';
import type { ObjectStore } from '../../storage/object-store';
import { updateJsonObject } from './json-object';
import { signalDriftCheck } from './request-drift-check';
import type { DriftCounterV1, RequestDriftCheckIfDueInput } from './types';

const RECENT_BATCHES = 200;

export interface DriftTriggerDependencies {
  store: ObjectStore;
  /** Default: the worker's own client (activity context). */
  client?: Client;
  /** Where driftCorrection runs. Default: the task queue of the calling activity. */
  taskQueue?: string;
}

/**
 * Counts a model's scored batches in drift/<model>/counter.json (compare-and-set) and, every
 * `everyBatches` batches, signal-with-starts driftCorrection. A retried call for a batch already
 * counted does not count it again; if that batch was the one that made the check due, it signals
 * again unless the request was recorded as delivered, and with the same request id (derived from
 * the batch), which a running check ignores as a duplicate: a lost completion causes no extra run.
 */
export function createRequestDriftCheckIfDue(deps: DriftTriggerDependencies) {
  return async function requestDriftCheckIfDue(input: RequestDriftCheckIfDueInput): Promise<{ requested: boolean }> {
    const { modelName, batchId, everyBatches } = input;
    if (!Number.isInteger(everyBatches) || everyBatches < 1) {
      throw ApplicationFailure.create({
        type: driftFailureTypes.invalidInput,
        nonRetryable: true,
        message: `everyBatches must be an integer >= 1, got ${everyBatches}`,
      });
    }
    const at = new Date().toISOString();
    const due = await updateJsonObject<DriftCounterV1, boolean>(deps.store, driftKeys.counter(modelName), (current) => {
      const counter: DriftCounterV1 = current ?? {
        schemaVersion: 1,
        modelName,
        totalBatches: 0,
        sinceLastRequest: 0,
        recentBatchIds: [],
        lastRequest: null,
      };
      // Counted already (a retry): ask again only if this batch made the check due and the request
      // was not delivered yet (the first attempt died between counting and signalling).
      if (counter.recentBatchIds.includes(batchId))
        return { result: counter.lastRequest?.batchId === batchId && counter.lastRequest.delivered !== true };
      const since = counter.sinceLastRequest + 1;
      const isDue = since >= everyBatches;
      return {
        result: isDue,
        value: {
          ...counter,
          totalBatches: counter.totalBatches + 1,
          sinceLastRequest: isDue ? 0 : since,
          recentBatchIds: [...counter.recentBatchIds, batchId].slice(-RECENT_BATCHES),
          lastRequest: isDue ? { batchId, at, workflowId: driftWorkflowId(modelName) } : counter.lastRequest,
        },
      };
    });
    if (!due) return { requested: false };
    const context = Context.current();
    await signalDriftCheck(deps.client ?? context.client, {
      taskQueue: deps.taskQueue ?? context.info.taskQueue,
      modelName,
      trigger: 'batches',
      reason: `${everyBatches} batch(es) scored since the last check (latest ${batchId})`,
      window: input.window ?? Math.max(everyBatches, DEFAULT_DRIFT_WINDOW),
      batchId,
      // From the batch: a retried call (its first attempt signalled, then lost its completion) sends
      // the same request again, which the running check recognises instead of running once more.
      requestId: `batches-${batchId}`,
    });
    await updateJsonObject<DriftCounterV1, void>(deps.store, driftKeys.counter(modelName), (current) =>
      current?.lastRequest?.batchId === batchId
        ? { result: undefined, value: { ...current, lastRequest: { ...current.lastRequest, delivered: true } } }
        : { result: undefined },
    );
    return { requested: true };
  };
}

import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  DRIFT_CORRECTION_WORKFLOW,
  driftSignals,
  driftWorkflowId,
  type DriftCheckRequestV1,
  type DriftCorrectionInputV1,
  type DriftCorrectionResultV1,
} from '../contracts/drift-correction';
import { searchAttributes } from '../contracts/search-attributes';

export type DriftCorrectionWorkflow = (input: DriftCorrectionInputV1) => Promise<DriftCorrectionResultV1>;
export type DriftCorrectionHandle = WorkflowHandle<DriftCorrectionWorkflow>;

/**
 * signal-with-start of `drift-<model>` with a prepared input (its request is also the signal):
 * starts the check, or hands the request to the running one for its single follow-up run.
 */
export function signalWithStartDriftCheck(
  client: Client,
  taskQueue: string,
  input: DriftCorrectionInputV1,
): Promise<DriftCorrectionHandle> {
  return client.workflow.signalWithStart<DriftCorrectionWorkflow, [DriftCheckRequestV1]>(DRIFT_CORRECTION_WORKFLOW, {
    taskQueue,
    workflowId: driftWorkflowId(input.modelName),
    args: [input],
    signal: driftSignals.requestCheck,
    signalArgs: [input.request],
    typedSearchAttributes: [
      { key: searchAttributes.modelName, value: input.modelName },
      { key: searchAttributes.pipelineStage, value: 'drift-check' },
    ],
    memo: driftMemo(input),
  });
}

/** What the UI and `list` show about a check without opening its input. */
export function driftMemo(input: DriftCorrectionInputV1): Record<string, unknown> {
  return {
    trigger: input.request.trigger,
    reason: input.request.reason,
    window: input.window,
    batchId: input.request.batchId ?? null,
  };
}

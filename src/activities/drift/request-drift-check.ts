import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  DEFAULT_DRIFT_WINDOW,
  DRIFT_CORRECTION_WORKFLOW,
  driftSignals,
  driftWorkflowId,
  type DriftCheckRequestV1,
  type DriftCorrectionInputV1,
  type DriftCorrectionResultV1,
  type DriftTrigger,
} from '../../contracts/drift-correction';
import { searchAttributes } from '../../contracts/search-attributes';
import type { DriftPolicyV1 } from '../../drift';

export interface DriftCheckOptions {
  taskQueue: string;
  modelName: string;
  trigger: DriftTrigger;
  reason: string;
  window?: number;
  policy?: Partial<DriftPolicyV1>;
  batchId?: string;
}

export function driftCorrectionInput(options: Omit<DriftCheckOptions, 'taskQueue'>): DriftCorrectionInputV1 {
  const request: DriftCheckRequestV1 = {
    requestId: randomUUID(),
    trigger: options.trigger,
    reason: options.reason,
    ...(options.batchId !== undefined && { batchId: options.batchId }),
  };
  return {
    version: 1,
    modelName: options.modelName,
    request,
    window: options.window ?? DEFAULT_DRIFT_WINDOW,
    ...(options.policy && { policy: options.policy }),
  };
}

/**
 * Asks for a drift check of a model: starts driftCorrection (`drift-<model>`), or, when one is
 * running, signals it so the request is served by its single follow-up run.
 */
export function signalDriftCheck(client: Client, options: DriftCheckOptions): Promise<DriftCorrectionHandle> {
  return signalWithStartDriftCheck(client, options.taskQueue, driftCorrectionInput(options));
}

export type DriftCorrectionHandle = WorkflowHandle<(input: DriftCorrectionInputV1) => Promise<DriftCorrectionResultV1>>;

/** signalWithStart of `drift-<model>` with a prepared input (its request is also the signal). */
export function signalWithStartDriftCheck(
  client: Client,
  taskQueue: string,
  input: DriftCorrectionInputV1,
): Promise<DriftCorrectionHandle> {
  return client.workflow.signalWithStart<(input: DriftCorrectionInputV1) => Promise<DriftCorrectionResultV1>, [DriftCheckRequestV1]>(
    DRIFT_CORRECTION_WORKFLOW,
    {
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
    },
  );
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

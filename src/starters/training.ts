import type { Client, WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import {
  CONTINUOUS_TRAINING_WORKFLOW,
  trainingSignals,
  trainingWorkflowId,
  type ContinuousTrainingInputV1,
  type TrainingOutcomeV1,
  type TrainingRequestV1,
} from '../contracts/continuous-training';
import { searchAttributes } from '../contracts/search-attributes';

export type ContinuousTrainingWorkflow = (input: ContinuousTrainingInputV1) => Promise<TrainingOutcomeV1>;

/**
 * Every trigger (CLI, schedule, data threshold, drift) enqueues training the same way:
 * signal-with-start on `train-<model>`. Atomic on the server: it starts the run when none is open,
 * otherwise delivers the request to the open one, which serves it in its single follow-up run. The
 * started run also receives its own request as a signal and ignores it (same requestId).
 */
export function signalWithStartTraining(
  client: Client,
  taskQueue: string,
  input: ContinuousTrainingInputV1,
): Promise<WorkflowHandleWithSignaledRunId<ContinuousTrainingWorkflow>> {
  return client.workflow.signalWithStart<ContinuousTrainingWorkflow, [TrainingRequestV1]>(CONTINUOUS_TRAINING_WORKFLOW, {
    taskQueue,
    workflowId: trainingWorkflowId(input.modelName),
    args: [input],
    signal: trainingSignals.requestTraining,
    signalArgs: [input.request],
    typedSearchAttributes: [
      { key: searchAttributes.modelName, value: input.modelName },
      { key: searchAttributes.pipelineStage, value: 'training' },
    ],
    memo: trainingMemo(input),
  });
}

/** What the UI and `list` show about a run without opening its input (keys and counts only). */
export function trainingMemo(input: ContinuousTrainingInputV1): Record<string, unknown> {
  const { request } = input;
  return {
    trigger: request.trigger,
    reason: request.reason,
    tune: request.tune,
    files: request.data.keys?.length ?? 0,
    firstFile: request.data.keys?.[0] ?? null,
    prefixes: request.data.prefixes ?? [],
  };
}

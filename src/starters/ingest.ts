import { WithStartWorkflowOperation, type Client, type WorkflowHandle, type WorkflowIdReusePolicy } from '@temporalio/client';
import {
  INGEST_BATCH_WORKFLOW,
  ingestUpdates,
  type IngestBatchInputV1,
  type IngestBatchResultV2,
  type IngestOptionsV1,
  type SubmitFilesResultV1,
  type SubmitFilesUpdateV1,
} from '../contracts/ingest-batch';
import { searchAttributes } from '../contracts/search-attributes';

export type IngestBatchWorkflow = (input: IngestBatchInputV1) => Promise<IngestBatchResultV2>;
export type IngestBatchHandle = WorkflowHandle<IngestBatchWorkflow>;

export const ingestWorkflowId = (batchId: string) => `ingest-${batchId}`;

/**
 * A batch's options: only what the caller sets explicitly. The pipeline's sizes and limits, the
 * triggers, where stages run, PII redaction and the retry window are the deployment's decisions:
 * the workflow asks a worker for them, so a starter with other settings (the upload Lambda, a
 * laptop) cannot change them by accident. Any of them in `overrides` overrides for this batch.
 */
export function buildIngestOptions(overrides: Partial<IngestOptionsV1> = {}): IngestOptionsV1 {
  return { windowMs: 0, ...overrides };
}

function ingestSearchAttributes(input: IngestBatchInputV1) {
  return [
    { key: searchAttributes.batchId, value: input.batchId },
    { key: searchAttributes.modelName, value: input.modelName },
    { key: searchAttributes.pipelineStage, value: 'started' },
  ];
}

/** Starts ingestBatch with its files in the input (CLI, demo). */
export function startIngestBatch(client: Client, taskQueue: string, input: IngestBatchInputV1): Promise<IngestBatchHandle> {
  return client.workflow.start<IngestBatchWorkflow>(INGEST_BATCH_WORKFLOW, {
    taskQueue,
    workflowId: ingestWorkflowId(input.batchId),
    args: [input],
    typedSearchAttributes: ingestSearchAttributes(input),
    memo: { files: input.sources.length, firstFile: input.sources[0]?.key ?? null },
  });
}

/** What update-with-start needs of a client: a real `Client` fits. */
export interface UpdateWithStartClient {
  workflow: Pick<Client['workflow'], 'executeUpdateWithStart'>;
}

/**
 * Adds files to the batch `input.batchId`, starting it if no run is open (update-with-start,
 * atomic on the server): the answer says which files the batch took. Rejected with a
 * WorkflowUpdateFailedError (cause type IntakeClosed) when that batch stopped taking files, and with
 * WorkflowExecutionAlreadyStartedError when it has finished (the id is never reused: a second run
 * would overwrite the first one's results).
 */
export async function submitFilesWithStart(
  client: UpdateWithStartClient,
  taskQueue: string,
  input: IngestBatchInputV1,
  files: SubmitFilesUpdateV1,
  memo: Record<string, unknown> = {},
  reusePolicy: WorkflowIdReusePolicy = 'REJECT_DUPLICATE',
): Promise<SubmitFilesResultV1> {
  const startWorkflowOperation = new WithStartWorkflowOperation<IngestBatchWorkflow>(INGEST_BATCH_WORKFLOW, {
    workflowId: ingestWorkflowId(input.batchId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: reusePolicy,
    typedSearchAttributes: ingestSearchAttributes(input),
    memo,
  });
  return client.workflow.executeUpdateWithStart<IngestBatchWorkflow, SubmitFilesResultV1, [SubmitFilesUpdateV1]>(
    ingestUpdates.submitFiles,
    { args: [files], startWorkflowOperation },
  );
}

import { ApplicationFailure, defineUpdate } from '@temporalio/workflow';
import {
  ingestFailureTypes,
  ingestUpdates,
  type SourceRefV1,
  type SubmitFilesResultV1,
  type SubmitFilesUpdateV1,
} from '../contracts/ingest-batch';

export const submitFilesUpdate = defineUpdate<SubmitFilesResultV1, [SubmitFilesUpdateV1]>(ingestUpdates.submitFiles);

/**
 * The submitFiles validator: refuses once intake has closed (the caller sends the files to a
 * follow-up batch), and anything that is not a list of keys. Runs before the update is recorded in
 * history, so a refused submission leaves no trace in the batch.
 */
export function validateSubmission(update: SubmitFilesUpdateV1, intakeClosed: boolean, batchId: string): void {
  if (intakeClosed) {
    throw ApplicationFailure.create({
      type: ingestFailureTypes.intakeClosed,
      nonRetryable: true,
      message: `batch ${batchId} has stopped taking files; submit them to a follow-up batch`,
    });
  }
  const sources = (update as Partial<SubmitFilesUpdateV1> | null)?.sources;
  if (!Array.isArray(sources) || sources.length === 0 || !sources.every(isSourceRef)) {
    throw ApplicationFailure.create({
      type: ingestFailureTypes.invalidKey,
      nonRetryable: true,
      message: 'submitFiles takes { sources: [{ key }, ...] } with at least one key',
    });
  }
}

function isSourceRef(value: unknown): value is SourceRefV1 {
  return typeof value === 'object' && value !== null && typeof (value as SourceRefV1).key === 'string' && (value as SourceRefV1).key !== '';
}

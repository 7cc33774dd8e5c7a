import { TemporalFailure, WorkflowFailedError } from '@temporalio/client';
import { trainingFailureTypes } from '../contracts/continuous-training';
import { driftFailureTypes } from '../contracts/drift-correction';
import { ingestFailureTypes } from '../contracts/ingest-batch';

/**
 * What to do next after a typed failure, when the failure's own message does not say it already.
 * A new failure type gets its line here (or a message that names the next step itself).
 */
export const NEXT_STEPS: Readonly<Record<string, string>> = {
  [ingestFailureTypes.modelNotFound]: 'train one with: nlp-batch train --data <labelled files> --model <name>',
  [ingestFailureTypes.noValidInput]: 'fix the files named above (or pass --format / --delimiter) and ingest them again',
  [ingestFailureTypes.invalidInputFile]: 'fix the file named above and ingest it again',
  [ingestFailureTypes.reconciliationFailed]: 'rows went missing between stages: this is a bug, please report it with the workflow id',
  [trainingFailureTypes.noTrainingData]: 'give files with a label column (label, class, polarity, sentiment) or --label-column',
  [trainingFailureTypes.tooFewLabelledRows]: 'train on more labelled rows (a few dozen per label at least)',
  [trainingFailureTypes.singleClass]: 'the training data needs rows of at least two labels',
  [trainingFailureTypes.invalidConfig]: 'fix the training config (see docs/training.md) and train again',
  [trainingFailureTypes.unknownVersion]: 'list the versions with: nlp-batch models --model <name>',
  [trainingFailureTypes.noPreviousVersion]: 'nothing to roll back to; list the versions with: nlp-batch models --model <name>',
  [trainingFailureTypes.concurrentPromotion]: 'another promotion happened meanwhile: look with nlp-batch models, then try again',
  [driftFailureTypes.baselineUnavailable]: 'retrain the model (nlp-batch train) so that its training data is recorded',
};

export interface RootCause {
  /** The failure type (ApplicationFailure.type), when the root cause has one. */
  type?: string;
  message: string;
}

/**
 * The innermost cause of a failure chain (WorkflowFailedError → ActivityFailure / ChildWorkflowFailure
 * → ApplicationFailure): the one that says what went wrong, instead of "Activity task failed".
 */
export function rootCause(err: Error): RootCause {
  let current: Error = err;
  while (current.cause instanceof Error) current = current.cause;
  const type = (current as { type?: unknown }).type;
  return { ...(typeof type === 'string' && type !== '' && { type }), message: current.message || current.name };
}

/** One or two lines for a failed workflow: what failed, the root cause's type and message, the next step. */
export function describeWorkflowFailure(err: WorkflowFailedError | TemporalFailure): string {
  const cause = rootCause(err);
  const what = err instanceof WorkflowFailedError ? 'workflow failed' : 'failed';
  const line = `${what}: ${cause.type ? `${cause.type}: ` : ''}${cause.message}`;
  const next = cause.type ? NEXT_STEPS[cause.type] : undefined;
  // A message that already says what to do needs no second hint.
  if (!next || /\b(train one with|run |use |add |give )/i.test(cause.message)) return line;
  return `${line}\n  next: ${next}`;
}

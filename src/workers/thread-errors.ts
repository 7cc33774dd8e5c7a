import { ApplicationFailure } from '@temporalio/common';
import { permanentFailureType } from '../jobs/task-errors';

/** An error as it crosses a thread boundary (structured clone keeps name and message only). */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
  /** Set for an ApplicationFailure: its type, retryability and details survive the crossing. */
  failure?: { type: string | null; nonRetryable: boolean; details: unknown[] };
}

export function toThreadError(err: unknown): ThreadError {
  if (err instanceof ApplicationFailure) {
    return {
      name: err.name,
      message: err.message,
      stack: err.stack,
      failure: { type: err.type ?? null, nonRetryable: err.nonRetryable ?? false, details: [...(err.details ?? [])] },
    };
  }
  // A permanent error (bad input, a broken or missing model: see jobs/task-errors) becomes a
  // non-retryable failure of its type, so bad input is never retried whichever thread found it.
  const permanent = permanentFailureType(err);
  if (err instanceof Error) {
    if (!permanent) return { name: err.name, message: err.message, stack: err.stack };
    // The error's own name (ModelArtifactError, ObjectNotFoundError...) stays readable in the message.
    return {
      name: err.name,
      message: `${err.name}: ${err.message}`,
      stack: err.stack,
      failure: { type: permanent, nonRetryable: true, details: [] },
    };
  }
  return { name: 'Error', message: String(err) };
}

/** The same classification for work run inline (no pool): what the pool would have rejected with. */
export function asTypedFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure || permanentFailureType(err) === undefined) return err;
  return fromThreadError(toThreadError(err));
}

/** The error again, on this side: an ApplicationFailure keeps its type (so the workflow sees it), others their name. */
export function fromThreadError(e: ThreadError): Error {
  if (e.failure) {
    return ApplicationFailure.create({
      message: e.message,
      type: e.failure.type ?? undefined,
      nonRetryable: e.failure.nonRetryable,
      details: e.failure.details,
    });
  }
  const error = Object.assign(new Error(e.message), { name: e.name });
  if (e.stack) error.stack = e.stack;
  return error;
}

export type ThreadOutcome<T> = { ok: true; value: T } | { ok: false; error: ThreadError };

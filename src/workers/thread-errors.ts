import { ApplicationFailure } from '@temporalio/common';

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
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
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

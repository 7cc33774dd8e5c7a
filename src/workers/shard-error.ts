import { ApplicationFailure } from '@temporalio/common';
import { permanentFailureType } from '../jobs/task-errors';

/** An error as it crosses the thread boundary (structured clone keeps plain data only). */
export interface SerializedShardError {
  name: string;
  message: string;
  /** Set for ApplicationFailures and for permanent errors (bad input, missing model). */
  type?: string;
  nonRetryable?: boolean;
}

/**
 * What a shard thread sends back for a failed task: an ApplicationFailure keeps its type and
 * flag; a permanent error (see jobs/task-errors) becomes a non-retryable one of its type, so bad
 * input is never retried whichever thread found it.
 */
export function serializeShardError(err: unknown): SerializedShardError {
  if (err instanceof ApplicationFailure) {
    return { name: err.name, message: err.message, type: err.type ?? undefined, nonRetryable: err.nonRetryable === true };
  }
  const type = permanentFailureType(err);
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  // The error's own name (ModelArtifactError, ObjectNotFoundError...) stays readable in the message.
  return type ? { name, message: `${name}: ${message}`, type, nonRetryable: true } : { name, message };
}

/** The error the pool rejects with: an ApplicationFailure when the thread sent a type. */
export function deserializeShardError(error: SerializedShardError): Error {
  if (error.type) {
    return ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: error.nonRetryable === true });
  }
  return Object.assign(new Error(error.message), { name: error.name });
}

/** The same classification for a stage run inline (no pool). */
export function asShardFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure || permanentFailureType(err) === undefined) return err;
  return deserializeShardError(serializeShardError(err));
}

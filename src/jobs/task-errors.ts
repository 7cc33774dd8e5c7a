import { ConfigError } from '../config/settings';
import { ModelArtifactError } from '../model/artifacts/errors';
import { InvalidKeyError, ObjectNotFoundError, StoreAccessDeniedError } from '../storage/object-store';

/**
 * Exit codes of the job entrypoints. AWS Batch's retry strategy (evaluateOnExit) and the local
 * process runner both read them: 2 means "the input is wrong, another attempt cannot help", any
 * other non-zero code is retried.
 */
export const EXIT_OK = 0;
export const EXIT_RETRYABLE = 1;
export const EXIT_PERMANENT = 2;

/** A task input that can never succeed: bad spec, index out of range, unreadable shard. */
export class PermanentTaskError extends Error {
  override readonly name = 'PermanentTaskError';
}

// S3 is strongly consistent: a key the activity wrote before submitting is there or never will be,
// so ObjectNotFound counts as permanent.
export function isPermanent(err: unknown): boolean {
  return permanentFailureType(err) !== undefined;
}

/**
 * The ApplicationFailure type each permanent error travels as, across worker threads, processes
 * and activities (bad input must stay non-retryable wherever it is raised).
 */
export const permanentFailureTypes = {
  invalidTaskInput: 'InvalidTaskInput',
  invalidConfiguration: 'InvalidConfiguration',
  modelArtifactInvalid: 'ModelArtifactInvalid',
  objectNotFound: 'ObjectNotFound',
  invalidKey: 'InvalidKey',
  /** The deployment's role may not read or write the key (S3 AccessDenied): a policy to fix, not an outage to wait out. */
  accessDenied: 'AccessDenied',
} as const;

/** The failure type of a permanent error; undefined for errors another attempt may fix. */
export function permanentFailureType(err: unknown): string | undefined {
  if (err instanceof PermanentTaskError) return permanentFailureTypes.invalidTaskInput;
  if (err instanceof ConfigError) return permanentFailureTypes.invalidConfiguration;
  if (err instanceof ModelArtifactError) return permanentFailureTypes.modelArtifactInvalid;
  if (err instanceof ObjectNotFoundError) return permanentFailureTypes.objectNotFound;
  if (err instanceof InvalidKeyError) return permanentFailureTypes.invalidKey;
  if (err instanceof StoreAccessDeniedError) return permanentFailureTypes.accessDenied;
  return undefined;
}

export function exitCodeFor(err: unknown): number {
  return isPermanent(err) ? EXIT_PERMANENT : EXIT_RETRYABLE;
}

/** One line for stderr (CloudWatch Logs / the local runner's failure reason): no stack, no newlines. */
export function describeTaskError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/\s*\n\s*/g, ' | ').slice(0, 2000);
}

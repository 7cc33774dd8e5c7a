import type { RejectedFileV1 } from '../contracts/ingest-batch';
import { InputFileError } from '../input';
import { InvalidKeyError, ObjectNotFoundError } from '../storage/object-store';

/**
 * Classifies why a whole file could not be read. Returns undefined for anything else: that is
 * infrastructure trouble, which the caller rethrows so Temporal retries it.
 */
export function asRejectedFile(key: string, err: unknown): RejectedFileV1 | undefined {
  if (err instanceof InputFileError) return { key, code: err.code, message: err.message };
  if (err instanceof InvalidKeyError) return { key, code: 'invalid_key', message: err.message };
  if (err instanceof ObjectNotFoundError) return { key, code: 'not_found', message: `${key}: no such object in the store` };
  return undefined;
}

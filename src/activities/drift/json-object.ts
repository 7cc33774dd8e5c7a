import { ApplicationFailure } from '@temporalio/activity';
import { driftFailureTypes } from '../../contracts/drift-correction';
import { ObjectNotFoundError, PreconditionFailedError, type ObjectStore } from '../../storage/object-store';

/** Reads a JSON object, or undefined when absent. Unparseable JSON is a non-retryable typed failure. */
export async function readJsonObject<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  let bytes: Buffer;
  try {
    bytes = await store.get(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (err) {
    throw ApplicationFailure.create({
      type: driftFailureTypes.invalidStatistics,
      nonRetryable: true,
      message: `${key} is not valid JSON: ${(err as Error).message}`,
    });
  }
}

export async function requireJsonObject<T>(store: ObjectStore, key: string, what: string): Promise<T> {
  const value = await readJsonObject<T>(store, key);
  if (value === undefined) {
    throw ApplicationFailure.create({
      type: driftFailureTypes.invalidStatistics,
      nonRetryable: true,
      message: `${what} ${key} does not exist`,
    });
  }
  return value;
}

const MAX_ATTEMPTS = 50;

/**
 * Read-modify-write of a small JSON object by compare-and-set: `update` gets the current value
 * (undefined when absent) and returns the new one, or undefined to leave the object as it is. When
 * another writer got in between, the object is read again and `update` runs again.
 * Reading the etag before the body is safe: a body newer than the etag makes the write fail.
 */
export async function updateJsonObject<T, R>(
  store: ObjectStore,
  key: string,
  update: (current: T | undefined) => { value?: T; result: R },
): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    const info = await store.head(key);
    const current = info ? await readJsonObject<T>(store, key) : undefined;
    const { value, result } = update(current);
    if (value === undefined) return result;
    try {
      await store.put(key, JSON.stringify(value, null, 1) + '\n', {
        contentType: 'application/json',
        ...(info ? { ifMatch: info.etag } : { ifNoneMatch: true }),
      });
      return result;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError) || attempt >= MAX_ATTEMPTS) throw err;
      // Someone else wrote first: back off a little (jittered) and decide again on their value.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));
    }
  }
}

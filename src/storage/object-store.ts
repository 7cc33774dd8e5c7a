import type { Readable } from 'node:stream';

/** Metadata of a stored object. `etag` changes whenever the content changes. */
export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
}

export interface PutOptions {
  contentType?: string;
  /** Write only if the current object's etag equals this (compare-and-set). */
  ifMatch?: string;
  /** Write only if no object exists at the key yet. */
  ifNoneMatch?: boolean;
}

/**
 * The port every stage reads and writes through. Keys are `/`-separated relative paths such as
 * `results/<batchId>/part-00000.jsonl`; adapters validate them (see `validateKey`).
 */
export interface ObjectStore {
  /** A short description for logs and manifests, e.g. `fs:/data/store` or `s3://bucket`. */
  readonly location: string;
  get(key: string): Promise<Buffer>;
  getStream(key: string): Promise<Readable>;
  put(key: string, body: string | Uint8Array, options?: PutOptions): Promise<ObjectInfo>;
  putStream(key: string, body: Readable | AsyncIterable<Uint8Array>, options?: PutOptions): Promise<ObjectInfo>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Lists objects under a prefix in lexicographic key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  delete(key: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
  }
}

export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(readonly key: string) {
    super(`precondition failed (object changed concurrently): ${key}`);
  }
}

/**
 * The store refused the caller's credentials for this key (S3 AccessDenied: a role or bucket
 * policy without the permission). Not an outage: another attempt with the same role fails the same.
 */
export class StoreAccessDeniedError extends Error {
  override readonly name = 'StoreAccessDeniedError';
  constructor(
    readonly key: string,
    detail = 'access denied',
  ) {
    super(`access denied to ${key}: ${detail}`);
  }
}

export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
  }
}

const MAX_KEY_BYTES = 1024;

/** Rejects keys that could escape the store's root or that S3 would refuse. Returns the key. */
export function validateKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new InvalidKeyError(key, `longer than ${MAX_KEY_BYTES} bytes`);
  if (key.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(key)) throw new InvalidKeyError(key, 'absolute paths are not keys');
  if (key.includes('\\')) throw new InvalidKeyError(key, 'backslashes are not allowed');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new InvalidKeyError(key, 'control characters are not allowed');
  for (const segment of key.split('/')) {
    if (segment === '..' || segment === '.') throw new InvalidKeyError(key, `"${segment}" segments are not allowed`);
    if (segment === '') throw new InvalidKeyError(key, 'empty path segments are not allowed');
  }
  return key;
}

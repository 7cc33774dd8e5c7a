import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import {
  InvalidKeyError,
  ObjectInfo,
  ObjectNotFoundError,
  ObjectStore,
  PreconditionFailedError,
  PutOptions,
  StoreAccessDeniedError,
  validateKey,
} from './object-store';

export interface S3ObjectStoreOptions {
  client: S3Client;
  bucket: string;
  /** Folder inside the bucket that acts as the store's root, e.g. `nlp-batch/prod`. */
  prefix?: string;
  /** When set, every write is encrypted with this KMS key (SSE-KMS) instead of the bucket default. */
  sseKmsKeyId?: string;
}

/** S3's own limit on a full object key (store prefix included). */
const MAX_S3_KEY_BYTES = 1024;

/**
 * The object-store port on S3. Semantics follow `FsObjectStore`: keys are validated the same way,
 * missing objects raise `ObjectNotFoundError`, failed compare-and-set raises
 * `PreconditionFailedError`, and etags are returned without S3's surrounding quotes so they can be
 * handed straight back as `ifMatch`.
 */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  /** Either '' or ends with '/'. */
  private readonly prefix: string;
  private readonly sseKmsKeyId: string | undefined;

  constructor(options: S3ObjectStoreOptions) {
    if (!options.bucket) throw new Error('S3ObjectStore: bucket is required');
    this.client = options.client;
    this.bucket = options.bucket;
    const trimmed = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    // The prefix is part of every key, so it must obey the same rules (no "..", no "//").
    if (trimmed) validateKey(trimmed);
    this.prefix = trimmed ? `${trimmed}/` : '';
    this.sseKmsKeyId = options.sseKmsKeyId;
    this.location = trimmed ? `s3://${this.bucket}/${trimmed}` : `s3://${this.bucket}`;
  }

  async get(key: string): Promise<Buffer> {
    const objectKey = this.objectKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if (!out.Body) return Buffer.alloc(0);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      throw translate(err, key);
    }
  }

  async getStream(key: string): Promise<Readable> {
    const objectKey = this.objectKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      const body: unknown = out.Body;
      if (body instanceof Readable) return body;
      // The Node runtime always answers with an IncomingMessage; anything else (a test double, a
      // browser-style stream) is adapted rather than trusted to be a Node stream.
      if (body && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
        return Readable.from(body as AsyncIterable<Uint8Array>, { objectMode: false });
      }
      return Readable.from([], { objectMode: false });
    } catch (err) {
      throw translate(err, key);
    }
  }

  /**
   * Buffers up to 5 GiB go out as one PutObject: a single request the SDK can retry on its own,
   * with S3's conditional headers evaluated atomically.
   */
  async put(key: string, body: string | Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    const objectKey = this.objectKey(key);
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    try {
      const out = await this.client.send(
        new PutObjectCommand({ ...this.writeParams(objectKey, options), Body: bytes, ContentLength: bytes.length }),
      );
      return { key, size: bytes.length, etag: unquote(out.ETag) };
    } catch (err) {
      throw translateWrite(err, key, options);
    }
  }

  /**
   * Streams through lib-storage's Upload: bodies under one part (5 MiB) become a PutObject, larger
   * ones a multipart upload whose parts are buffered one at a time (memory <= queueSize x 5 MiB), so
   * the size need not be known up front.
   */
  async putStream(key: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<ObjectInfo> {
    const objectKey = this.objectKey(key);
    const conditional = options.ifMatch !== undefined || options.ifNoneMatch === true;
    if (conditional) {
      // S3 evaluates If-Match / If-None-Match only when the upload completes, i.e. after every part
      // has been sent. Checking first avoids uploading gigabytes that are bound to be rejected. The
      // headers below remain the atomic check; this is only an early exit. (It is also what makes
      // If-Match on multipart uploads hold against moto 5.2.5, which ignores If-Match on
      // CompleteMultipartUpload: there only sequential, not concurrent, conflicts are caught.)
      const current = await this.head(key);
      if (options.ifNoneMatch && current) throw new PreconditionFailedError(key);
      if (options.ifMatch !== undefined && current?.etag !== unquote(options.ifMatch)) {
        throw new PreconditionFailedError(key);
      }
    }
    let size = 0;
    async function* counted(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        // A Readable with setEncoding() yields strings; S3 stores bytes.
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        size += bytes.length;
        yield bytes;
      }
    }
    const upload = new Upload({
      client: this.client,
      params: { ...this.writeParams(objectKey, options), Body: Readable.from(counted(body)) },
      // Without this a failed multipart upload leaves its parts behind, billed until a lifecycle
      // rule removes them. (false is the default; stated because it matters.)
      leavePartsOnError: false,
    });
    try {
      const out = await upload.done();
      return { key, size, etag: unquote(out.ETag) };
    } catch (err) {
      throw translateWrite(err, key, options);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const objectKey = this.objectKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return { key, size: out.ContentLength ?? 0, etag: unquote(out.ETag) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw translate(err, key);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Same rule as FsObjectStore: the folder part of a prefix must be a valid key, the rest is a
    // plain string prefix ("results/b1/part-").
    const slash = prefix.lastIndexOf('/');
    if (slash >= 0) validateKey(prefix.slice(0, slash));
    let continuationToken: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            ContinuationToken: continuationToken,
          }),
        );
      } catch (err) {
        throw translate(err, prefix);
      }
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || !object.Key.startsWith(this.prefix)) continue;
        const key = object.Key.slice(this.prefix.length);
        // Zero-byte "folder" markers created by the console or other tools are not objects of
        // this store (a filesystem store could never list a folder as an object).
        if (key === '' || key.endsWith('/')) continue;
        yield { key, size: object.Size ?? 0, etag: unquote(object.ETag) };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    // DeleteObject succeeds for a missing key, matching the filesystem store's `rm --force`.
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (err) {
      throw translate(err, key);
    }
  }

  private objectKey(key: string): string {
    validateKey(key);
    const full = this.prefix + key;
    if (Buffer.byteLength(full) > MAX_S3_KEY_BYTES) {
      throw new InvalidKeyError(key, `longer than ${MAX_S3_KEY_BYTES} bytes with the store prefix`);
    }
    return full;
  }

  private writeParams(objectKey: string, options: PutOptions): PutObjectCommandInput {
    return {
      Bucket: this.bucket,
      Key: objectKey,
      ...(options.contentType ? { ContentType: options.contentType } : {}),
      ...(this.sseKmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.sseKmsKeyId } : {}),
      // S3 compares quoted entity tags; the port hands out unquoted ones.
      ...(options.ifMatch !== undefined ? { IfMatch: `"${unquote(options.ifMatch)}"` } : {}),
      ...(options.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
    };
  }
}

interface SdkError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(err: unknown): number | undefined {
  return (err as SdkError | undefined)?.$metadata?.httpStatusCode;
}

function codeOf(err: unknown): string | undefined {
  const e = err as SdkError | undefined;
  return e?.name ?? e?.Code;
}

function isNotFound(err: unknown): boolean {
  const code = codeOf(err);
  // HEAD responses carry no body, so the SDK can only report "NotFound" with a 404 there. A missing
  // bucket (NoSuchBucket) is a configuration error and must not pass for a missing object.
  if (code === 'NoSuchBucket') return false;
  return code === 'NoSuchKey' || code === 'NotFound' || statusOf(err) === 404;
}

/**
 * S3's answer when the credentials lack a permission (or the bucket blocks all access). HEAD
 * answers carry no body, so there only the status tells: 403 with no error code of its own (other
 * 403s, such as RequestTimeTooSkewed or SignatureDoesNotMatch, name themselves and stay as they are).
 */
function isAccessDenied(err: unknown): boolean {
  const code = codeOf(err);
  if (code === 'AccessDenied' || code === 'AllAccessDisabled') return true;
  return statusOf(err) === 403 && (code === undefined || code === 'Forbidden' || code === 'Unknown' || code === 'UnknownError');
}

function translate(err: unknown, key: string): unknown {
  if (isAccessDenied(err)) return new StoreAccessDeniedError(key, (err as Error).message);
  if (isNotFound(err)) return new ObjectNotFoundError(key);
  return err;
}

function translateWrite(err: unknown, key: string, options: PutOptions): unknown {
  if (isAccessDenied(err)) return new StoreAccessDeniedError(key, (err as Error).message);
  const code = codeOf(err);
  if (code === 'PreconditionFailed' || statusOf(err) === 412) return new PreconditionFailedError(key);
  const conditional = options.ifMatch !== undefined || options.ifNoneMatch === true;
  if (!conditional) return err;
  // 409 ConditionalRequestConflict: another write to the key landed while ours was in flight. For
  // a compare-and-set caller that is the same situation as 412: re-read and retry.
  if (code === 'ConditionalRequestConflict' || statusOf(err) === 409) return new PreconditionFailedError(key);
  // If-Match against a key that does not exist answers 404 NoSuchKey; for compare-and-set that is a
  // failed precondition (the filesystem store reports it the same way).
  if (options.ifMatch !== undefined && isNotFound(err)) return new PreconditionFailedError(key);
  return err;
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');
}

import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  InvalidKeyError,
  ObjectInfo,
  ObjectNotFoundError,
  ObjectStore,
  PreconditionFailedError,
  PutOptions,
  validateKey,
} from './object-store';

/**
 * A bucket that is a folder. Writes go to a temporary file and are renamed into place, so a reader
 * never sees half an object and a retried write simply replaces the previous one. The etag is the
 * MD5 of the content, like S3's for single-part uploads.
 */
export class FsObjectStore implements ObjectStore {
  readonly location: string;
  readonly root: string;
  /** Serialises conditional writes per key within this process (rename is atomic, the check is not). */
  private readonly keyLocks = new Map<string, Promise<unknown>>();

  constructor(root: string) {
    this.root = path.resolve(root);
    this.location = `fs:${this.root}`;
  }

  private pathOf(key: string): string {
    validateKey(key);
    const full = path.resolve(this.root, key);
    if (full !== this.root && !full.startsWith(this.root + path.sep)) {
      throw new InvalidKeyError(key, 'escapes the store root');
    }
    return full;
  }

  async get(key: string): Promise<Buffer> {
    const file = this.pathOf(key);
    try {
      return await fs.readFile(file);
    } catch (err) {
      throw this.translate(err, key);
    }
  }

  async getStream(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      const handle = await fs.open(file, 'r');
      return handle.createReadStream({ highWaterMark: 256 * 1024 });
    } catch (err) {
      throw this.translate(err, key);
    }
  }

  put(key: string, body: string | Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    return this.putStream(key, Readable.from([typeof body === 'string' ? Buffer.from(body) : body]), options);
  }

  async putStream(key: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<ObjectInfo> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    const hash = createHash('md5');
    let size = 0;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Uint8Array | string>) {
          for await (const chunk of source) {
            const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            hash.update(bytes);
            size += bytes.length;
            yield bytes;
          }
        },
        createWriteStream(tmp),
      );
      const etag = hash.digest('hex');
      if (options.ifMatch === undefined && !options.ifNoneMatch) {
        await fs.rename(tmp, file);
      } else {
        await this.withKeyLock(key, async () => {
          const current = await this.head(key);
          if (options.ifNoneMatch && current) throw new PreconditionFailedError(key);
          if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) throw new PreconditionFailedError(key);
          await fs.rename(tmp, file);
        });
      }
      return { key, size, etag };
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.pathOf(key);
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) return undefined;
      return { key, size: stat.size, etag: await md5File(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // A prefix need not end at a folder boundary ("results/b1/part-" is valid), so walk from the
    // deepest existing folder and filter by the full key.
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash >= 0 ? prefix.slice(0, slash) : '';
    const start = dirKey ? this.pathOf(dirKey) : this.root;
    const keys: string[] = [];
    await this.walk(start, keys);
    keys.sort();
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const info = await this.head(key);
      if (info) yield info; // gone since the walk: a concurrent delete
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  private async walk(dir: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await this.walk(full, out);
      else if (entry.isFile() && !entry.name.endsWith('.tmp') && !entry.name.endsWith('.lock'))
        out.push(path.relative(this.root, full).split(path.sep).join('/'));
    }
  }

  /**
   * Conditional writes check then rename, so they hold a lock: a promise chain within this process
   * and an O_EXCL lock file across processes (the worker and local job processes share a store).
   */
  private async withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.keyLocks.get(key) ?? Promise.resolve();
    const run = previous.then(
      () => this.withLockFile(key, fn),
      () => this.withLockFile(key, fn),
    );
    const settled = run.catch(() => undefined);
    this.keyLocks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.keyLocks.get(key) === settled) this.keyLocks.delete(key);
    }
  }

  private async withLockFile<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${this.pathOf(key)}.lock`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await (await fs.open(lock, 'wx')).close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // A holder that died leaves its lock behind; a lock older than the deadline is stale.
        const age = await fs.stat(lock).then(
          (st) => Date.now() - st.mtimeMs,
          () => 0,
        );
        if (age > 30_000) await fs.rm(lock, { force: true });
        else if (Date.now() > deadline) throw new Error(`timed out waiting for the lock on ${key}`);
        else await new Promise((r) => setTimeout(r, 5));
      }
    }
    try {
      return await fn();
    } finally {
      await fs.rm(lock, { force: true });
    }
  }

  private translate(err: unknown, key: string): Error {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return new ObjectNotFoundError(key);
    return err as Error;
  }
}

async function md5File(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

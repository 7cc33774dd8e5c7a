import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidKeyError, ObjectInfo, ObjectNotFoundError, ObjectStore, PreconditionFailedError } from '../../src/storage/object-store';

export interface ObjectStoreContractOptions {
  /**
   * Whether concurrent conditional writes are decided atomically by the backend. True for the
   * filesystem store (per process) and real S3; moto checks and writes without a lock, so two racing
   * If-None-Match writes can both win there.
   */
  atomicConditionalWrites: boolean;
}

/**
 * The behaviour every `ObjectStore` adapter must share. Call inside a `describe`; `makeStore` must
 * return a fresh, empty store on each call (it runs before every test).
 */
export function objectStoreContract(makeStore: () => Promise<ObjectStore>, options: ObjectStoreContractOptions): void {
  let store: ObjectStore;
  beforeEach(async () => {
    store = await makeStore();
  });

  it('round-trips strings and bytes and reports size and etag', async () => {
    const text = await store.put('docs/a.txt', 'héllo wörld');
    assert.equal(text.key, 'docs/a.txt');
    assert.equal(text.size, Buffer.byteLength('héllo wörld'));
    assert.ok(text.etag.length > 0);
    assert.equal((await store.get('docs/a.txt')).toString('utf8'), 'héllo wörld');

    const bytes = Uint8Array.from([0, 1, 2, 254, 255]);
    const info = await store.put('docs/b.bin', bytes, { contentType: 'application/octet-stream' });
    assert.equal(info.size, 5);
    assert.deepEqual(await store.get('docs/b.bin'), Buffer.from(bytes));

    const head = await store.head('docs/a.txt');
    assert.deepEqual(head, text);
  });

  it('stores empty objects', async () => {
    const info = await store.put('empty', '');
    assert.equal(info.size, 0);
    assert.equal((await store.get('empty')).length, 0);
    assert.equal((await readAll(await store.getStream('empty'))).length, 0);
    assert.equal((await store.head('empty'))?.size, 0);
  });

  it('changes the etag when the content changes', async () => {
    const first = await store.put('k', 'one');
    const second = await store.put('k', 'two');
    assert.notEqual(first.etag, second.etag);
    assert.equal((await store.head('k'))?.etag, second.etag);
    assert.equal((await store.get('k')).toString(), 'two');
  });

  it('streams a write larger than one multipart part (>5 MiB) and reads it back byte-identical', async () => {
    const chunks = Array.from({ length: 85 }, () => randomBytes(64 * 1024)); // 5.3 MiB
    const expected = Buffer.concat(chunks);
    async function* source(): AsyncGenerator<Uint8Array> {
      for (const chunk of chunks) yield chunk;
    }
    const info = await store.putStream('big/blob.bin', source());
    assert.equal(info.size, expected.length);
    assert.equal((await store.head('big/blob.bin'))?.size, expected.length);
    assert.equal((await store.head('big/blob.bin'))?.etag, info.etag);

    const stream = await store.getStream('big/blob.bin');
    assert.ok(stream instanceof Readable, 'getStream returns a Node Readable');
    assert.equal(md5(await readAll(stream)), md5(expected));
    assert.ok((await store.get('big/blob.bin')).equals(expected));
  });

  it('accepts a Node Readable (including string chunks) for streamed writes', async () => {
    const info = await store.putStream('lines.jsonl', Readable.from(['{"a":1}\n', '{"b":"ñ"}\n']));
    assert.equal(info.size, Buffer.byteLength('{"a":1}\n{"b":"ñ"}\n'));
    assert.equal((await store.get('lines.jsonl')).toString(), '{"a":1}\n{"b":"ñ"}\n');
  });

  it('raises ObjectNotFoundError for missing keys and head() answers undefined', async () => {
    await assert.rejects(store.get('missing/x'), isNotFound('missing/x'));
    await assert.rejects(store.getStream('missing/x'), isNotFound('missing/x'));
    assert.equal(await store.head('missing/x'), undefined);
  });

  it('deletes objects, and deleting a missing key is not an error', async () => {
    await store.put('gone', 'x');
    await store.delete('gone');
    assert.equal(await store.head('gone'), undefined);
    await assert.rejects(store.get('gone'), ObjectNotFoundError);
    await store.delete('gone');
    await store.delete('never/existed');
  });

  it('keeps keys with spaces, unicode and reserved URL characters intact', async () => {
    const keys = ['in box/año 2024/ünïcødé ✓.txt', 'q/a+b=c&d?e#f%20g.txt', 'q/emoji 😀.txt'];
    for (const key of keys) await store.put(key, key);
    for (const key of keys) assert.equal((await store.get(key)).toString(), key);
    const listed = await collect(store.list(''));
    assert.deepEqual(new Set(listed.map((o) => o.key)), new Set(keys));
  });

  describe('conditional writes', () => {
    for (const mode of ['put', 'putStream'] as const) {
      const write = (key: string, body: string, opts: { ifMatch?: string; ifNoneMatch?: boolean }): Promise<ObjectInfo> =>
        mode === 'put' ? store.put(key, body, opts) : store.putStream(key, Readable.from([Buffer.from(body)]), opts);

      it(`${mode}: ifNoneMatch creates once and refuses to overwrite`, async () => {
        await write('cas/new', 'first', { ifNoneMatch: true });
        await assert.rejects(write('cas/new', 'second', { ifNoneMatch: true }), isPrecondition('cas/new'));
        assert.equal((await store.get('cas/new')).toString(), 'first');
      });

      it(`${mode}: ifMatch replaces only the version it was read from`, async () => {
        const v1 = await store.put('cas/doc', 'v1');
        const v2 = await write('cas/doc', 'v2', { ifMatch: v1.etag });
        assert.equal((await store.get('cas/doc')).toString(), 'v2');
        await assert.rejects(write('cas/doc', 'v3', { ifMatch: v1.etag }), isPrecondition('cas/doc'));
        assert.equal((await store.get('cas/doc')).toString(), 'v2');
        await write('cas/doc', 'v3', { ifMatch: v2.etag });
        assert.equal((await store.get('cas/doc')).toString(), 'v3');
      });

      it(`${mode}: ifMatch on a missing key fails the precondition`, async () => {
        await assert.rejects(write('cas/absent', 'x', { ifMatch: 'd41d8cd98f00b204e9800998ecf8427e' }), isPrecondition('cas/absent'));
        assert.equal(await store.head('cas/absent'), undefined);
      });
    }

    it('refuses a stale ifMatch on a multipart-sized streamed write and keeps the old content', async () => {
      const v1 = await store.put('cas/big', 'v1');
      await store.put('cas/big', 'v2');
      const big = randomBytes(5 * 1024 * 1024 + 1);
      await assert.rejects(store.putStream('cas/big', Readable.from([big]), { ifMatch: v1.etag }), isPrecondition('cas/big'));
      assert.equal((await store.get('cas/big')).toString(), 'v2');
    });

    // Only adapters whose backend checks conditions atomically promise this; moto's S3 checks
    // then writes without a lock, so its runs register no such test rather than a skipped one.
    if (options.atomicConditionalWrites)
      it('lets exactly one of several racing ifNoneMatch writers win', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.put('cas/race', `writer ${i}`, { ifNoneMatch: true })),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof PreconditionFailedError);
      });
  });

  describe('list', () => {
    it('lists every key under a prefix, nested ones included, in lexicographic order', async () => {
      const keys = [
        'results/b1/part-00001.jsonl',
        'results/b1/part-00000.jsonl',
        'results/b1/sub/x',
        'results/b10/part-00000.jsonl',
        'results/b2/a',
        'other/z',
      ];
      for (const key of keys) await store.put(key, key);

      const all = await collect(store.list('results/'));
      assert.deepEqual(
        all.map((o) => o.key),
        ['results/b1/part-00000.jsonl', 'results/b1/part-00001.jsonl', 'results/b1/sub/x', 'results/b10/part-00000.jsonl', 'results/b2/a'],
      );
      assert.equal(all[0]?.size, Buffer.byteLength('results/b1/part-00000.jsonl'));

      // A prefix need not end at a folder boundary.
      assert.deepEqual(
        (await collect(store.list('results/b1/part-'))).map((o) => o.key),
        ['results/b1/part-00000.jsonl', 'results/b1/part-00001.jsonl'],
      );
      assert.deepEqual((await collect(store.list('results/b1'))).length, 4);
      assert.deepEqual(await collect(store.list('nothing/here/')), []);
      assert.equal((await collect(store.list(''))).length, keys.length);
    });

    it('pages through more than 1,000 keys', async function () {
      this.timeout(60_000);
      const keys = Array.from({ length: 1_050 }, (_, i) => `many/k-${String(i).padStart(5, '0')}`);
      await inParallel(keys, 16, (key) => store.put(key, 'x'));
      await store.put('many-not/under-prefix', 'x');
      const listed = await collect(store.list('many/'));
      assert.equal(listed.length, keys.length);
      assert.deepEqual(
        listed.map((o) => o.key),
        keys,
      );
    });
  });

  describe('key validation', () => {
    const bad = ['', '/abs/path', 'C:\\x', 'a\\b', '../escape', 'a/../../b', 'a/./b', 'a//b', 'trailing/', 'tab\there', 'x'.repeat(1025)];
    for (const key of bad) {
      it(`rejects ${JSON.stringify(key.length > 40 ? `${key.slice(0, 10)}…(${key.length})` : key)}`, async () => {
        await assert.rejects(store.get(key), InvalidKeyError);
        await assert.rejects(store.getStream(key), InvalidKeyError);
        await assert.rejects(store.put(key, 'x'), InvalidKeyError);
        await assert.rejects(store.putStream(key, Readable.from([Buffer.from('x')])), InvalidKeyError);
        await assert.rejects(store.head(key), InvalidKeyError);
        await assert.rejects(store.delete(key), InvalidKeyError);
      });
    }

    it('rejects a list prefix whose folder part escapes the root', async () => {
      await assert.rejects(collect(store.list('../')), InvalidKeyError);
      await assert.rejects(collect(store.list('a//b')), InvalidKeyError);
    });
  });
}

function isNotFound(key: string) {
  return (err: unknown): boolean => err instanceof ObjectNotFoundError && err.key === key;
}

function isPrecondition(key: string) {
  return (err: unknown): boolean => err instanceof PreconditionFailedError && err.key === key;
}

export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(parts);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { FaultProxy } from '../../bench/chaos/fault-proxy';
import { StoreAccessDeniedError } from '../../src/storage/object-store';
import type { S3ObjectStore } from '../../src/storage/s3-object-store';
import { faultyS3, type FaultyS3 } from '../helpers/faulty-s3';

/**
 * S3 answering AccessDenied (a role without permission on a prefix) reaches the caller as
 * StoreAccessDeniedError naming the key, whatever the operation: a permission error is not an
 * outage, and must not look like one (retried for hours) or like a missing object.
 */
describe('S3ObjectStore: AccessDenied is its own error (moto behind a proxy answering 403 AccessDenied)', () => {
  let fx: FaultyS3;
  let proxy: FaultProxy;
  let store: S3ObjectStore;

  before(async function () {
    this.timeout(60_000);
    fx = await faultyS3('denied-bucket');
    ({ proxy, store } = fx);
    await store.put('results/b1/part-00000.jsonl', 'written before the policy changed\n');
    proxy.deny((r) => r.path.startsWith('/denied-bucket/nlp/results/'));
  });
  after(() => fx?.close());

  const denied = async (operation: () => Promise<unknown>) =>
    operation().then(
      () => undefined,
      (err: unknown) => err,
    );

  it('on every operation under the denied prefix', async () => {
    const key = 'results/b1/part-00000.jsonl';
    const operations: Record<string, () => Promise<unknown>> = {
      get: () => store.get(key),
      getStream: () => store.getStream(key),
      put: () => store.put(key, 'x'),
      putStream: () => store.putStream(key, Readable.from([Buffer.from('x')])),
      head: () => store.head(key),
      delete: () => store.delete(key),
    };
    for (const [name, operation] of Object.entries(operations)) {
      const err = await denied(operation);
      assert.ok(err instanceof StoreAccessDeniedError, `${name}: ${String(err)}`);
      assert.equal(err.key, key, name);
      assert.match(err.message, /access denied/i, name);
    }
  });

  it('leaves other prefixes alone', async () => {
    await store.put('processed/b1/shard-00000.jsonl', 'fine');
    assert.equal((await store.get('processed/b1/shard-00000.jsonl')).toString(), 'fine');
    assert.equal(await store.head('processed/b1/missing.jsonl'), undefined);
  });
});

import assert from 'node:assert/strict';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FaultProxy } from '../../bench/chaos/fault-proxy';
import type { S3ObjectStore } from '../../src/storage/s3-object-store';
import { faultyS3, type FaultyS3 } from '../helpers/faulty-s3';

/** The chaos suite's S3 fault proxy, as the application's own S3 client sees it (over the wire, moto behind). */
describe('fault injection: the S3 fault proxy in front of moto', () => {
  let fx: FaultyS3;
  let proxy: FaultProxy;
  let s3: S3Client;
  let store: S3ObjectStore;

  before(async function () {
    this.timeout(60_000);
    fx = await faultyS3('chaos-proxy-test');
    ({ proxy, s3, store } = fx);
  });
  after(() => fx?.close());

  it('forwards untouched requests byte for byte', async () => {
    const body = Buffer.from('{"id":"d0"}\n'.repeat(1000));
    await store.put('raw/a.jsonl', body);
    assert.deepEqual(await store.get('raw/a.jsonl'), body);
  });

  it('answers AccessDenied under a denied prefix only, as S3 does (the SDK reports AccessDenied, 403)', async () => {
    proxy.deny((r) => r.path.startsWith('/chaos-proxy-test/nlp/results/'));
    // The SDK's own view (the store turns it into StoreAccessDeniedError: test/aws/s3-access-denied.test.ts).
    const denied = await s3
      .send(new PutObjectCommand({ Bucket: 'chaos-proxy-test', Key: 'nlp/results/b1/part-00000.jsonl', Body: 'x' }))
      .then(
        () => undefined,
        (err: Error & { $metadata?: { httpStatusCode?: number } }) => err,
      );
    assert.equal(denied?.name, 'AccessDenied');
    assert.equal(denied?.$metadata?.httpStatusCode, 403);
    await store.put('processed/b1/shard-00000.jsonl', 'fine');
    assert.equal((await store.get('processed/b1/shard-00000.jsonl')).toString(), 'fine');
  });

  it('answers 500/503/SlowDown to everything during a fault window, and forwards again after it', async function () {
    this.timeout(30_000);
    const before = { ...proxy.stats.faulted };
    proxy.faultFor(1500);
    const failed = await store.get('raw/a.jsonl').then(
      () => undefined,
      (err: Error) => err,
    );
    // The SDK retries transient errors itself (3 attempts), so all three codes were answered.
    assert.ok(failed && ['InternalError', 'ServiceUnavailable', 'SlowDown'].includes(failed.name), String(failed));
    for (const code of ['InternalError', 'ServiceUnavailable', 'SlowDown'])
      assert.ok((proxy.stats.faulted[code] ?? 0) > (before[code] ?? 0), JSON.stringify(proxy.stats));
    await new Promise((resolve) => setTimeout(resolve, 1600));
    assert.equal(proxy.faulting, false);
    assert.equal((await store.get('raw/a.jsonl')).length, 12_000);
  });
});

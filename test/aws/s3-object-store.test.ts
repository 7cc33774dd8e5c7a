import { CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createS3Client } from '../../src/aws/clients';
import { InvalidKeyError, ObjectNotFoundError, PreconditionFailedError } from '../../src/storage/object-store';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { MotoServer, startMoto } from '../helpers/moto';
import { collect } from '../helpers/object-store-contract';

/** S3-specific behaviour beyond the shared contract (see object-store-contract.test.ts). */
describe('S3ObjectStore specifics (moto)', () => {
  let moto: MotoServer;
  let client: S3Client;
  const bucket = 'specifics';
  /** Names of the S3 commands sent, in order, captured by a middleware. */
  let sent: string[] = [];

  before(async () => {
    moto = await startMoto();
    client = createS3Client(moto.settings);
    client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommandNames' },
    );
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  beforeEach(() => {
    sent = [];
  });
  after(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it('describes its location and normalises the prefix', () => {
    assert.equal(new S3ObjectStore({ client, bucket }).location, 's3://specifics');
    assert.equal(new S3ObjectStore({ client, bucket, prefix: '/env/prod/' }).location, 's3://specifics/env/prod');
    assert.throws(() => new S3ObjectStore({ client, bucket, prefix: 'a/../b' }), InvalidKeyError);
  });

  it('stores under its prefix and never sees other prefixes', async () => {
    const a = new S3ObjectStore({ client, bucket, prefix: 'iso/a' });
    const b = new S3ObjectStore({ client, bucket, prefix: 'iso/ab' });
    await a.put('x.txt', 'from a');
    await b.put('x.txt', 'from b');
    const raw = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'iso/' }));
    assert.deepEqual(
      raw.Contents?.map((o) => o.Key),
      ['iso/a/x.txt', 'iso/ab/x.txt'],
    );
    assert.deepEqual(
      (await collect(a.list(''))).map((o) => o.key),
      ['x.txt'],
    );
    assert.equal((await a.get('x.txt')).toString(), 'from a');
  });

  it('counts the store prefix against S3’s 1,024-byte key limit', async () => {
    const store = new S3ObjectStore({ client, bucket, prefix: 'p'.repeat(100) });
    await assert.rejects(store.put('k'.repeat(1000), 'x'), InvalidKeyError);
  });

  it('uses one PutObject for small streams and a multipart upload above 5 MiB', async () => {
    const store = new S3ObjectStore({ client, bucket, prefix: 'mpu' });
    await store.putStream('small', Readable.from([Buffer.from('tiny')]));
    assert.deepEqual(sent, ['PutObjectCommand']);

    sent = [];
    const body = randomBytes(11 * 1024 * 1024);
    const info = await store.putStream('large', Readable.from([body.subarray(0, 3_000_000), body.subarray(3_000_000)]));
    assert.equal(sent[0], 'CreateMultipartUploadCommand');
    assert.equal(sent.filter((c) => c === 'UploadPartCommand').length, 3);
    assert.equal(sent.at(-1), 'CompleteMultipartUploadCommand');
    assert.match(info.etag, /-3$/, 'multipart etags end in -<parts>');
    assert.ok((await store.get('large')).equals(body));
  });

  it('rejects a stale ifMatch before uploading any part', async () => {
    const store = new S3ObjectStore({ client, bucket, prefix: 'early' });
    const v1 = await store.put('doc', 'v1');
    await store.put('doc', 'v2');
    sent = [];
    await assert.rejects(
      store.putStream('doc', Readable.from([randomBytes(6 * 1024 * 1024)]), { ifMatch: v1.etag }),
      PreconditionFailedError,
    );
    assert.deepEqual(sent, ['HeadObjectCommand']);
  });

  it('sends If-Match to S3 itself for single-request writes (412 over the wire)', async () => {
    const store = new S3ObjectStore({ client, bucket, prefix: 'wire' });
    const v1 = await store.put('doc', 'v1');
    await store.put('doc', 'v2');
    sent = [];
    await assert.rejects(store.put('doc', 'v3', { ifMatch: v1.etag }), PreconditionFailedError);
    await assert.rejects(store.put('doc', 'v3', { ifNoneMatch: true }), PreconditionFailedError);
    assert.deepEqual(sent, ['PutObjectCommand', 'PutObjectCommand']);
  });

  it('encrypts with the configured KMS key on single and multipart writes', async () => {
    const keyId = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const store = new S3ObjectStore({ client, bucket, prefix: 'kms', sseKmsKeyId: keyId });
    await store.put('small', 'secret-ish');
    await store.putStream('large', Readable.from([randomBytes(5 * 1024 * 1024 + 10)]));
    for (const key of ['kms/small', 'kms/large']) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(head.ServerSideEncryption, 'aws:kms', key);
      assert.equal(head.SSEKMSKeyId, keyId, key);
    }
  });

  it('skips zero-byte folder markers made by other tools when listing', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'markers/dir/', Body: Buffer.alloc(0) }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'markers/dir/file', Body: 'x' }));
    const store = new S3ObjectStore({ client, bucket, prefix: 'markers' });
    assert.deepEqual(
      (await collect(store.list(''))).map((o) => o.key),
      ['dir/file'],
    );
  });

  it('does not mistake a missing bucket for a missing object', async () => {
    const store = new S3ObjectStore({ client, bucket: 'no-such-bucket-here' });
    await assert.rejects(store.get('k'), (err: unknown) => !(err instanceof ObjectNotFoundError) && (err as Error).name === 'NoSuchBucket');
  });
});

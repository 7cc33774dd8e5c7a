import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createS3Client } from '../../src/aws/clients';
import { FsObjectStore } from '../../src/storage/fs-object-store';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { MotoServer, startMoto } from '../helpers/moto';
import { objectStoreContract } from '../helpers/object-store-contract';

describe('ObjectStore contract', () => {
  describe('FsObjectStore (temp dir)', () => {
    let root: string;
    let n = 0;
    before(async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'object-store-contract-'));
    });
    after(async () => {
      await fs.rm(root, { recursive: true, force: true });
    });
    objectStoreContract(async () => new FsObjectStore(path.join(root, `store-${n++}`)), { atomicConditionalWrites: true });
  });

  describe('S3ObjectStore (moto)', () => {
    let moto: MotoServer;
    let client: S3Client;
    let n = 0;
    let continuationRequests = 0;
    const bucket = 'contract';
    before(async () => {
      moto = await startMoto();
      client = createS3Client(moto.settings);
      // Proves the >1,000-key listing really went through S3's pagination, not one big page.
      client.middlewareStack.add(
        (next, context) => (args) => {
          const input = args.input as { ContinuationToken?: string };
          if (context.commandName === 'ListObjectsV2Command' && input.ContinuationToken) continuationRequests++;
          return next(args);
        },
        { step: 'initialize', name: 'countContinuations' },
      );
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    });
    after(async () => {
      client?.destroy();
      await moto?.stop();
    });
    afterEach(function () {
      if (this.currentTest?.title === 'pages through more than 1,000 keys' && this.currentTest.state === 'passed') {
        assert.ok(continuationRequests >= 1, 'listing 1,050 keys used a continuation token');
      }
    });
    // A fresh prefix per test keeps tests independent without re-creating buckets.
    objectStoreContract(async () => new S3ObjectStore({ client, bucket, prefix: `t${n++}` }), {
      atomicConditionalWrites: false,
    });
  });
});

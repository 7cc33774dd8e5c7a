import assert from 'node:assert/strict';
import {
  createBatchClient,
  createCloudWatchClient,
  createGlueClient,
  createS3Client,
  createSnsClient,
  createSqsClient,
  credentialsFrom,
  describeAwsSettings,
} from '../../src/aws/clients';

describe('AWS client construction', () => {
  const emulator = {
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:5000',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
  };

  it('points S3 at an emulator with path-style URLs and checksums only when required', async () => {
    const s3 = createS3Client(emulator);
    assert.equal(s3.config.forcePathStyle, true);
    assert.equal(await s3.config.requestChecksumCalculation(), 'WHEN_REQUIRED');
    assert.equal(await s3.config.responseChecksumValidation(), 'WHEN_REQUIRED');
    assert.equal(await s3.config.region(), 'us-east-1');
    const endpoint = await s3.config.endpoint?.();
    assert.equal(endpoint?.hostname, '127.0.0.1');
    const credentials = await s3.config.credentials();
    assert.equal(credentials.accessKeyId, 'AKIDEXAMPLE');
    assert.equal(credentials.secretAccessKey, 'wJalrXUtnFEMI/K7MDENG');
    s3.destroy();
  });

  it('keeps SDK defaults against real AWS', async () => {
    const s3 = createS3Client({ region: 'eu-west-1' });
    assert.equal(s3.config.forcePathStyle, false);
    assert.equal(await s3.config.requestChecksumCalculation(), 'WHEN_SUPPORTED');
    assert.equal(s3.config.endpoint, undefined);
    s3.destroy();
  });

  it('builds every service client from the same settings', async () => {
    for (const client of [
      createSnsClient(emulator),
      createSqsClient(emulator),
      createCloudWatchClient(emulator),
      createGlueClient(emulator),
      createBatchClient(emulator),
    ]) {
      assert.equal(await client.config.region(), 'us-east-1');
      assert.equal((await client.config.endpoint?.())?.port, 5000);
      client.destroy();
    }
  });

  it('uses static credentials only when both keys are given, and never echoes them', () => {
    assert.equal(credentialsFrom({ region: 'r' }), undefined);
    assert.deepEqual(credentialsFrom({ region: 'r', accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't' }), {
      accessKeyId: 'a',
      secretAccessKey: 's',
      sessionToken: 't',
    });
    assert.throws(
      () => credentialsFrom({ region: 'r', accessKeyId: 'AKIDLEAKED' }),
      (err: Error) => !err.message.includes('AKIDLEAKED'),
    );
    assert.throws(
      () => credentialsFrom({ region: 'r', sessionToken: 'tok' }),
      (err: Error) => !err.message.includes('tok'),
    );
    assert.throws(() => createS3Client({ region: '' }));
  });

  it('describes settings for logs without secrets', () => {
    const described = JSON.stringify(describeAwsSettings({ ...emulator, sessionToken: 'SESSIONTOKEN' }));
    assert.ok(!described.includes('AKIDEXAMPLE') && !described.includes('wJalr') && !described.includes('SESSIONTOKEN'));
    assert.deepEqual(describeAwsSettings({ region: 'eu-west-1' }), { region: 'eu-west-1', credentials: 'default-chain' });
  });
});

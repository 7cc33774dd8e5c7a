import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_CONFIG, readConfig } from '../../infra/lib/config';
import { eventWindowMs, resolveSecretEnv, SecretEnvError } from '../../infra/lambda/secret-env';
// Type-checks the Lambda entry with the root compiler (esbuild bundles it without type checking).
import type * as lambdaEntry from '../../infra/lambda/s3-event-handler';

const handlerType: typeof lambdaEntry.handler | undefined = undefined;

describe('infra: deployment configuration (CDK context)', () => {
  const context = (values: Record<string, unknown>) => (key: string) => values[key];

  it('has defaults for everything, so synth works with no context', () => {
    assert.deepEqual(readConfig(context({})), DEFAULT_CONFIG);
    assert.equal(DEFAULT_CONFIG.guardDuty, false);
    assert.equal(DEFAULT_CONFIG.awsConfig, false);
    assert.equal(handlerType, undefined);
  });

  it('accepts -c strings the way the CDK CLI passes them', () => {
    const config = readConfig(
      context({ workerCount: '3', batchSpot: 'true', retentionDays: '{"raw": 60}', quarantineRateThreshold: '2.5' }),
    );
    assert.equal(config.workerCount, 3);
    assert.equal(config.batchSpot, true);
    assert.equal(config.retentionDays.raw, 60);
    assert.equal(config.retentionDays.results, DEFAULT_CONFIG.retentionDays.results);
    assert.equal(config.quarantineRateThreshold, 2.5);
  });

  it('rejects values that would deploy something broken', () => {
    const bad: Array<Record<string, unknown>> = [
      { temporalAddress: 'no-port.example.com' },
      { workerCpu: 1000 },
      { logRetentionDays: 10 },
      { retentionDays: { raw: 3, staged: 7 } },
      { retentionDays: { rawx: 3 } },
      { batchSpot: 'yes' },
      { natGateways: 3 },
      { modelF1Threshold: 1.5 },
      { modelName: 'bad name' },
    ];
    for (const values of bad) assert.throws(() => readConfig(context(values)), ConfigError, JSON.stringify(values));
  });
});

describe('infra: the S3-event Lambda resolves its secrets into the environment', () => {
  it('replaces <NAME>_SECRET_ARN by <NAME> with the secret value', async () => {
    const fetched: string[] = [];
    const env = await resolveSecretEnv(
      { TEMPORAL_API_KEY_SECRET_ARN: 'arn:a', PAYLOAD_KEYS_SECRET_ARN: 'arn:b', STORE: 's3' },
      async (arn) => {
        fetched.push(arn);
        return arn === 'arn:a' ? ' api-key\n' : 'k1:abc';
      },
    );
    assert.deepEqual(fetched.sort(), ['arn:a', 'arn:b']);
    assert.deepEqual(env, { TEMPORAL_API_KEY: 'api-key', PAYLOAD_KEYS: 'k1:abc', STORE: 's3' });
  });

  it('fails on an empty secret or a variable set twice, rather than connecting without a key', async () => {
    await assert.rejects(
      resolveSecretEnv({ TEMPORAL_API_KEY_SECRET_ARN: 'arn:a' }, async () => '  '),
      SecretEnvError,
    );
    await assert.rejects(
      resolveSecretEnv({ TEMPORAL_API_KEY_SECRET_ARN: 'arn:a', TEMPORAL_API_KEY: 'x' }, async () => 'y'),
      SecretEnvError,
    );
    await assert.rejects(
      resolveSecretEnv({ TEMPORAL_API_KEY_SECRET_ARN: 'arn:a' }, async () => Promise.reject(new Error('AccessDenied'))),
      /AccessDenied/,
    );
  });

  it('reads the batching window in seconds', () => {
    assert.equal(eventWindowMs({}), 60_000);
    assert.equal(eventWindowMs({ S3_EVENT_WINDOW_SECONDS: '5' }), 5_000);
    assert.throws(() => eventWindowMs({ S3_EVENT_WINDOW_SECONDS: '0' }), SecretEnvError);
    assert.throws(() => eventWindowMs({ S3_EVENT_WINDOW_SECONDS: '1.5' }), SecretEnvError);
  });
});

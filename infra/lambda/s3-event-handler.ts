/**
 * The S3-event Lambda (SQS event source, ReportBatchItemFailures): bundled from this file by the
 * CDK app (NodejsFunction + esbuild). Everything it does is in src/lambda/handler.ts; this file only
 * wires the AWS runtime: secrets, settings, the payload codec and one Temporal client per warm
 * container.
 *
 * It imports @temporalio/client directly, not src/temporal/connection.ts, because that module also
 * loads @temporalio/worker (a native addon that has no place in a Lambda bundle).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client, Connection } from '@temporalio/client';
import { createPayloadCodec, loadedCodecDataConverter } from '../../src/codec';
import { loadSettings } from '../../src/config/settings';
import { S3NotificationDeduper } from '../../src/lambda/dedupe';
import { createS3EventHandler, type SqsBatchResponse } from '../../src/lambda/handler';
import { eventWindowMs, resolveSecretEnv } from './secret-env';

type Handler = (event: unknown) => Promise<SqsBatchResponse>;

let ready: Promise<Handler> | undefined;

async function init(): Promise<Handler> {
  const secrets = new SecretsManagerClient({});
  const env = await resolveSecretEnv(process.env, async (secretId) => {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (out.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
    return out.SecretString;
  });
  const settings = loadSettings(env);
  const t = settings.temporal;
  const connection = await Connection.connect({ address: t.address, tls: t.tls ? {} : undefined, apiKey: t.apiKey, connectTimeout: '5s' });
  // Same payload keys as the worker (PAYLOAD_KEYS): the batch input and signal are encrypted too.
  const dataConverter = loadedCodecDataConverter(await createPayloadCodec(settings));
  const client = new Client({ connection, namespace: t.namespace, dataConverter });
  return createS3EventHandler({ client, settings, deduper: new S3NotificationDeduper(), windowMs: eventWindowMs(env) });
}

export async function handler(event: unknown): Promise<SqsBatchResponse> {
  // A failed start-up (Temporal unreachable, secret missing) is retried by the next invocation.
  ready ??= init().catch((err: unknown) => {
    ready = undefined;
    throw err;
  });
  return (await ready)(event);
}

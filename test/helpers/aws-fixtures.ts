import {
  BatchClient,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  KeyValuePair,
  RegisterJobDefinitionCommand,
} from '@aws-sdk/client-batch';
import { CreateJobCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateBucketCommand, ListObjectsV2Command, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createBatchClient, createGlueClient, createS3Client, createSnsClient, createSqsClient } from '../../src/aws/clients';
import { MotoServer, startMoto } from './moto';

/**
 * Shared set-up for tests that run the pipeline against moto over the wire: the AWS resources a
 * deployment's infrastructure code would create (bucket + upload notification to SQS, SNS topic +
 * subscribed queue, Glue job, Batch compute environment / queue / job definition), the settings
 * environment that points the application at them, and the few moto-level controls moto lacks.
 */

export const REGION = 'us-east-1';
/** moto accepts any keys; these never reach AWS. */
export const DUMMY_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' } as const;

export interface PipelineAwsNames {
  bucket: string;
  /** Store prefix inside the bucket (S3_PREFIX), without slashes. */
  prefix: string;
  /** Receives the bucket's ObjectCreated notifications (what the Lambda / SQS poller consumes). */
  eventsQueueUrl: string;
  topicArn: string;
  /** Subscribed to the topic with raw message delivery: alerts are read back from it. */
  alertsQueueUrl: string;
  glueJobName: string;
  batchJobQueue: string;
  batchJobDefinition: string;
  cloudwatchNamespace: string;
}

export interface AwsClients {
  s3: S3Client;
  sqs: SQSClient;
  sns: SNSClient;
  glue: GlueClient;
  batch: BatchClient;
  destroy(): void;
}

export function awsClients(moto: MotoServer): AwsClients {
  const clients = {
    s3: createS3Client(moto.settings),
    sqs: createSqsClient(moto.settings),
    sns: createSnsClient(moto.settings),
    glue: createGlueClient(moto.settings),
    batch: createBatchClient(moto.settings),
  };
  return { ...clients, destroy: () => Object.values(clients).forEach((c) => c.destroy()) };
}

/** moto needs a compute environment's service role in its IAM; the project has no IAM SDK, so one Query call. */
export async function createIamRole(moto: MotoServer, name: string, service: string): Promise<string> {
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: name,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
    }),
  });
  const res = await fetch(moto.endpoint, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      // moto routes by the credential scope's service name; it does not check the signature.
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20240514/${REGION}/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!res.ok || !arn) throw new Error(`CreateRole failed: ${res.status} ${text.slice(0, 300)}`);
  return arn;
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  if (!arn) throw new Error(`no ARN for queue ${url}`);
  return arn;
}

export interface ProvisionOptions {
  bucket: string;
  prefix: string;
  /**
   * The job definition's container environment: what a real definition bakes in (store settings,
   * region). The runner adds SPEC_KEY per job; Batch adds the array index per child.
   */
  containerEnvironment: Record<string, string>;
}

/** Creates what the infrastructure code would: one call per resource, as a deployment does. */
export async function provisionPipelineAws(moto: MotoServer, clients: AwsClients, options: ProvisionOptions): Promise<PipelineAwsNames> {
  const { s3, sqs, sns, glue, batch } = clients;
  const names = {
    bucket: options.bucket,
    prefix: options.prefix,
    glueJobName: 'nlp-clean',
    batchJobQueue: 'nlp-score-queue',
    batchJobDefinition: 'nlp-score',
    cloudwatchNamespace: 'NlpBatch/E2E',
  };

  // Uploads -> SQS. Bucket-wide on purpose: the pipeline's own writes notify too and the handler
  // must ignore them (only raw/ starts batches).
  await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  const eventsQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${names.bucket}-uploads` }))).QueueUrl ?? '';
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: names.bucket,
      NotificationConfiguration: {
        QueueConfigurations: [{ QueueArn: await queueArn(sqs, eventsQueueUrl), Events: ['s3:ObjectCreated:*'] }],
      },
    }),
  );

  // Alerts: SNS topic with an SQS subscriber (raw delivery keeps the message attributes as SQS attributes).
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'nlp-batch-alerts' }))).TopicArn ?? '';
  const alertsQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'nlp-batch-alerts-inbox' }))).QueueUrl ?? '';
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: await queueArn(sqs, alertsQueueUrl),
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );

  // Glue: the job whose script is glue/nlp_clean_job.py (moto stores it and never runs it).
  await glue.send(
    new CreateJobCommand({
      Name: names.glueJobName,
      Role: 'arn:aws:iam::123456789012:role/nlp-glue',
      Command: { Name: 'glueetl', ScriptLocation: 's3://nlp-artifacts/glue/nlp_clean_job.py', PythonVersion: '3' },
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      GlueVersion: '4.0',
    }),
  );

  // Batch without Docker: an UNMANAGED compute environment, a queue, a container job definition.
  const config = await fetch(`${moto.endpoint}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ batch: { use_docker: false } }),
  });
  if (!config.ok) throw new Error(`moto config failed: HTTP ${config.status}`);
  const serviceRole = await createIamRole(moto, 'nlp-batch-service', 'batch.amazonaws.com');
  await batch.send(
    new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'nlp-ce', type: 'UNMANAGED', state: 'ENABLED', serviceRole }),
  );
  await batch.send(
    new CreateJobQueueCommand({
      jobQueueName: names.batchJobQueue,
      priority: 1,
      state: 'ENABLED',
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'nlp-ce' }],
    }),
  );
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: names.batchJobDefinition,
      type: 'container',
      containerProperties: {
        image: 'nlp-batch:latest',
        command: ['node', 'dist/src/scoring/batch-entrypoint.js'],
        resourceRequirements: [
          { type: 'VCPU', value: '1' },
          { type: 'MEMORY', value: '2048' },
        ],
        environment: Object.entries(options.containerEnvironment).map(([name, value]) => ({ name, value })),
      },
    }),
  );
  return { ...names, eventsQueueUrl, topicArn, alertsQueueUrl };
}

/** The environment `loadSettings` reads on a worker with every AWS backend on, pointed at `endpoint`. */
export function awsPipelineEnvironment(
  names: PipelineAwsNames,
  endpoint: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    STORE: 's3',
    S3_BUCKET: names.bucket,
    S3_PREFIX: names.prefix,
    ETL: 'glue',
    GLUE_JOB_NAME: names.glueJobName,
    BATCH: 'aws',
    BATCH_JOB_QUEUE: names.batchJobQueue,
    BATCH_JOB_DEFINITION: names.batchJobDefinition,
    NOTIFY: 'sns',
    SNS_TOPIC_ARN: names.topicArn,
    METRICS: 'cloudwatch',
    CLOUDWATCH_NAMESPACE: names.cloudwatchNamespace,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: endpoint,
    ...extra,
  };
}

/**
 * The adapters built by buildDependencies take credentials from the SDK's default chain, as on AWS
 * (task role). In tests that chain must find the dummy keys in the environment, never a developer's
 * profile. Returns a function restoring the previous values.
 */
export function useDummyAwsCredentials(): () => void {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, DUMMY_CREDENTIALS);
  return () => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  };
}

/** startMoto passes this process's environment to the server: set extra variables only for its start. */
export async function startMotoWithEnvironment(env: Record<string, string>): Promise<MotoServer> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await startMoto();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * moto 5.2.5's Glue job runs only know STARTING -> RUNNING -> SUCCEEDED (the state manager can slow
 * that down, not change where it ends), so no run can end FAILED. This `sitecustomize` module,
 * put on PYTHONPATH of one moto server only, makes every Glue run on that server end in
 * `endState` with `errorMessage`, as a run whose script raised would. Nothing else is changed.
 * Returns the folder to put on PYTHONPATH.
 */
export function glueRunOutcomePatch(endState: 'FAILED' | 'ERROR' | 'TIMEOUT', errorMessage: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moto-glue-outcome-'));
  writeFileSync(
    path.join(dir, 'sitecustomize.py'),
    [
      '# Written by test/helpers/aws-fixtures.ts for one moto server: Glue job runs end in a chosen state.',
      'import importlib.abc, importlib.util, sys',
      `END_STATE = ${JSON.stringify(endState)}`,
      `ERROR_MESSAGE = ${JSON.stringify(errorMessage)}`,
      '',
      'def _patch(models):',
      '    run = models.FakeJobRun',
      '    init, as_dict = run.__init__, run.as_dict',
      '    def __init__(self, *args, **kwargs):',
      '        init(self, *args, **kwargs)',
      '        self._transitions = [("STARTING", "RUNNING"), ("RUNNING", END_STATE)]',
      '    def _as_dict(self):',
      '        out = as_dict(self)',
      '        if out.get("JobRunState") == END_STATE:',
      '            out["ErrorMessage"] = ERROR_MESSAGE',
      '        return out',
      '    run.__init__, run.as_dict = __init__, _as_dict',
      '',
      'class _PatchOnImport(importlib.abc.MetaPathFinder):',
      '    def find_spec(self, name, path=None, target=None):',
      '        if name != "moto.glue.models":',
      '            return None',
      '        sys.meta_path.remove(self)',
      '        spec = importlib.util.find_spec(name)',
      '        load = spec.loader.exec_module',
      '        def exec_module(module):',
      '            load(module)',
      '            _patch(module)',
      '        spec.loader.exec_module = exec_module',
      '        return spec',
      '',
      'sys.meta_path.insert(0, _PatchOnImport())',
      '',
    ].join('\n'),
  );
  return dir;
}

/** moto's state manager: how Glue job runs advance (`manual`: one step per `times` reads of the run). */
export async function setGlueRunTransition(
  moto: MotoServer,
  transition: { progression: 'manual'; times: number } | { progression: 'immediate' },
): Promise<void> {
  const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'glue::job_run', transition }),
  });
  if (!res.ok) throw new Error(`set-transition failed: HTTP ${res.status} ${await res.text()}`);
}

export async function unsetGlueRunTransition(moto: MotoServer): Promise<void> {
  await fetch(`${moto.endpoint}/moto-api/state-manager/unset-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'glue::job_run' }),
  });
}

export interface AwsProxy {
  endpoint: string;
  /** Requests forwarded so far: "METHOD path" without the query, plus the X-Amz-Target of JSON-protocol calls. */
  seen: string[];
  close(): Promise<void>;
}

export interface AwsProxyOptions {
  /**
   * Called with a Batch SubmitJob's answer after moto has created the job and before the caller
   * gets the answer. moto's Docker-less Batch ends every job at submit, so this is the only moment
   * a test can play the containers before the submitter's first DescribeJobs.
   */
  afterSubmitJob?: (jobId: string, jobName: string) => Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade'];

function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}

/**
 * A byte-for-byte HTTP forwarder in front of moto. Everything passes through unchanged; only a
 * successful Batch SubmitJob answer is held until `afterSubmitJob` has returned.
 */
export async function startAwsProxy(target: string, options: AwsProxyOptions = {}): Promise<AwsProxy> {
  const upstreamUrl = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const route = `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`;
    const target = req.headers['x-amz-target'];
    seen.push(typeof target === 'string' ? `${route} ${target}` : route);
    const upstream = http.request(
      {
        host: upstreamUrl.hostname,
        port: upstreamUrl.port,
        method: req.method,
        path: req.url,
        headers: endToEndHeaders(req.headers),
        agent,
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        const headers = endToEndHeaders(answer.headers);
        const hold = options.afterSubmitJob && route === 'POST /v1/submitjob' && status === 200;
        if (!hold) {
          res.writeHead(status, headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const { jobId, jobName } = JSON.parse(body.toString('utf8')) as { jobId: string; jobName: string };
          // Whatever the hook does, the caller gets moto's answer; the hook reports its own errors.
          void (options.afterSubmitJob as NonNullable<AwsProxyOptions['afterSubmitJob']>)(jobId, jobName)
            .catch(() => undefined)
            .then(() => {
              res.writeHead(status, headers);
              res.end(body);
            });
        });
      },
    );
    upstream.on('error', (err) => res.destroy(err));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/**
 * Receives (and deletes) messages until `done` says enough or `timeoutMs` passes. Returns every
 * message received, in order.
 */
export async function receiveUntil(
  sqs: SQSClient,
  queueUrl: string,
  done: (messages: Message[]) => boolean,
  timeoutMs = 20_000,
): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!done(messages) && Date.now() < deadline) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
    );
    const batch = out.Messages ?? [];
    messages.push(...batch);
    if (batch.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }
  return messages;
}

/** Every key under `prefix` in the bucket (raw S3 keys, store prefix included). */
export async function listBucketKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** A Batch job's container environment as a map (moto merges the definition's with the overrides). */
export function environmentMap(pairs: KeyValuePair[] | undefined): Record<string, string> {
  return Object.fromEntries((pairs ?? []).filter((p) => p.name).map((p) => [p.name as string, p.value ?? '']));
}

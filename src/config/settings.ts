import path from 'node:path';
import { z } from 'zod';
import { createKeyring, parsePayloadKeys, PayloadKeyError, type PayloadKey } from '../codec/keys';
import { repoRoot } from '../util/repo-root';
import { WORKER_QUEUE_KINDS, type WorkerQueueKind } from '../contracts/task-queues';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const positiveInt = z.coerce.number().int().positive();

/**
 * Every setting the application reads from its environment, validated once at start-up. The rest of
 * the code receives a `Settings` object; nothing else reads `process.env`.
 */
const schema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('nlp-batch'),
  TEMPORAL_TLS: bool.default('false'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_UI_PORT: positiveInt.default(8233),
  TEMPORAL_UI_URL: z.string().optional(),
  /** Whether a command may start a local dev server when none answers at the address. */
  TEMPORAL_EMBEDDED: bool.default('true'),

  DATA_DIR: z.string().optional(),
  STORE: z.enum(['fs', 's3']).default('fs'),
  STORE_ROOT: z.string().optional(),
  S3_BUCKET: z.string().optional(),
  S3_PREFIX: z.string().default(''),
  S3_SSE_KMS_KEY_ID: z.string().optional(),
  ETL: z.enum(['local', 'glue']).default('local'),
  BATCH: z.enum(['worker', 'local', 'aws']).default('worker'),
  GLUE_JOB_NAME: z.string().optional(),
  BATCH_JOB_QUEUE: z.string().optional(),
  BATCH_JOB_DEFINITION: z.string().optional(),
  NOTIFY: z.enum(['console', 'sns']).default('console'),
  METRICS: z.enum(['local', 'cloudwatch']).default('local'),

  AWS_REGION: z.string().default('us-east-1'),
  AWS_ENDPOINT_URL: z.string().optional(),
  SNS_TOPIC_ARN: z.string().optional(),
  CLOUDWATCH_NAMESPACE: z.string().default('NlpBatch'),

  MODEL_NAME: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-_]{0,62}$/i, 'letters, digits, - and _ only')
    .default('default'),
  SHARD_SIZE: positiveInt.default(5000),
  SHARD_PARALLELISM: positiveInt.default(4),
  MAX_RECORD_BYTES: positiveInt.default(1024 * 1024),
  RETRAIN_AFTER_LABELLED_ROWS: z.coerce.number().int().min(0).default(10_000),
  DRIFT_CHECK_EVERY_BATCHES: z.coerce.number().int().min(0).default(5),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),

  /** Payload encryption keys, `id1:base64key,id2:base64key` (32-byte AES-256 keys). */
  PAYLOAD_KEYS: z.string().optional(),
  /** The key id that encrypts (the others only decrypt); optional with a single key. */
  PAYLOAD_KEY_ID: z.string().optional(),
  /** Where the local setup keeps its generated key when PAYLOAD_KEYS is unset (default DATA_DIR/secrets/payload-keys.json). */
  PAYLOAD_KEY_FILE: z.string().optional(),
  /** Bearer token of the codec server (default: generated into DATA_DIR/secrets/codec-server-token). */
  CODEC_SERVER_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  CODEC_SERVER_PORT: positiveInt.default(8888),
  CODEC_SERVER_HOST: z.string().default('127.0.0.1'),
  /** The codec server's URL as the UI's browser reaches it (default http://localhost:CODEC_SERVER_PORT). */
  CODEC_SERVER_URL: z.string().url().optional(),
  /** Origins allowed to call the codec server from a browser, comma-separated (default: the UI's origin). */
  CODEC_SERVER_CORS_ORIGINS: z.string().optional(),
  /** Replace e-mail addresses, phone numbers and URLs with [EMAIL], [PHONE], [URL] before writing processed rows and results. */
  REDACT_PII: bool.default('false'),
  /** Queues a worker process polls: `workflows` (workflows and light I/O), `cpu` (cleaning, scoring, fits), comma-separated. */
  WORKER_QUEUES: z.string().default('workflows,cpu'),
  /** CPU-bound activities at once per worker process (its CPU pool's threads); default: the machine's cores. */
  WORKER_CPU_SLOTS: positiveInt.optional(),
  /** Build id the worker declares (Worker Versioning); default: derived from the workflow code. */
  WORKER_BUILD_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'letters, digits, ., _ and - only')
    .optional(),
  /** A workflow bundle made at build time (`npm run build:bundle`; the image sets it): no bundling at start-up. */
  WORKFLOW_BUNDLE: z.string().optional(),
  /** Route workflow tasks by deployment version (Worker Versioning): true on clusters with rolling deploys. */
  WORKER_VERSIONING: bool.default('false'),
  /** The Worker Deployment's name (Worker Versioning); default: the task queue. */
  WORKER_DEPLOYMENT_NAME: z.string().optional(),
  /** Serve the Temporal Core SDK's metrics for Prometheus at `host:port`/metrics from the worker (e.g. 127.0.0.1:9464); unset: off. */
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'host:port')
    .optional(),
  /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318) receiving traces of workflows and activities; unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** service.name of the worker's traces. */
  OTEL_SERVICE_NAME: z.string().min(1).default('nlp-batch-worker'),
});

export interface Settings {
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    tls: boolean;
    /** Kept out of logs and histories; only the connection uses it. */
    apiKey?: string;
    uiPort: number;
    uiUrl: string;
    embedded: boolean;
  };
  dataDir: string;
  store: { kind: 'fs'; root: string } | { kind: 's3'; bucket: string; prefix: string; sseKmsKeyId?: string };
  etl: 'local' | 'glue';
  batch: 'worker' | 'local' | 'aws';
  notify: 'console' | 'sns';
  metrics: 'local' | 'cloudwatch';
  aws: {
    region: string;
    endpoint?: string;
    snsTopicArn?: string;
    cloudwatchNamespace: string;
    glueJobName?: string;
    batchJobQueue?: string;
    batchJobDefinition?: string;
  };
  pipeline: {
    modelName: string;
    shardSize: number;
    parallelism: number;
    maxRecordBytes: number;
    retrainAfterLabelledRows: number;
    driftCheckEveryBatches: number;
  };
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Payload encryption (src/codec). Key material never goes to logs or histories. */
  codec: {
    /** From PAYLOAD_KEYS; undefined means the local key file (see src/codec/index.ts). */
    keys?: PayloadKey[];
    currentKeyId?: string;
    keyFile: string;
    server: {
      host: string;
      port: number;
      /** The URL the UI's browser calls (`--ui-codec-endpoint`). */
      url: string;
      token?: string;
      tokenFile: string;
      corsOrigins: string[];
    };
  };
  /** REDACT_PII: e-mail addresses, phone numbers and URLs become placeholder tokens before storage. */
  redactPii: boolean;
  /** WORKER_QUEUES, WORKER_CPU_SLOTS, WORKER_BUILD_ID: what a worker process serves. */
  worker: {
    queues: WorkerQueueKind[];
    cpuSlots?: number;
    buildId?: string;
    workflowBundle?: string;
    versioning: boolean;
    deploymentName: string;
  };
  /** Worker telemetry (src/telemetry): Prometheus metrics address, OTLP traces endpoint. */
  telemetry: { metricsAddress?: string; otlpEndpoint?: string; serviceName: string };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR ?? path.join(repoRoot(), '.data'));
  if (e.STORE === 's3' && !e.S3_BUCKET) throw new ConfigError('STORE=s3 needs S3_BUCKET');
  if (e.NOTIFY === 'sns' && !e.SNS_TOPIC_ARN) throw new ConfigError('NOTIFY=sns needs SNS_TOPIC_ARN');
  if (e.ETL === 'glue' && !e.GLUE_JOB_NAME) throw new ConfigError('ETL=glue needs GLUE_JOB_NAME');
  if (e.BATCH === 'aws' && !(e.BATCH_JOB_QUEUE && e.BATCH_JOB_DEFINITION)) {
    throw new ConfigError('BATCH=aws needs BATCH_JOB_QUEUE and BATCH_JOB_DEFINITION');
  }
  if (e.STORE === 'fs' && !isLoopbackHost(e.TEMPORAL_ADDRESS)) {
    throw new ConfigError(
      `STORE=fs keeps objects in a folder of this machine, which workers of the Temporal server at ${e.TEMPORAL_ADDRESS} on other machines cannot read; ` +
        'use STORE=s3 with S3_BUCKET (docs/scaling.md), or a server on this machine (127.0.0.1/localhost)',
    );
  }
  const queues = e.WORKER_QUEUES.split(',').map((q) => q.trim());
  const unknownQueue = queues.find((q) => !(WORKER_QUEUE_KINDS as readonly string[]).includes(q));
  if (unknownQueue !== undefined || queues.length === 0) {
    throw new ConfigError(`WORKER_QUEUES: "${unknownQueue ?? ''}" is not one of ${WORKER_QUEUE_KINDS.join(', ')}`);
  }
  const uiHost = e.TEMPORAL_ADDRESS.split(':')[0] === '127.0.0.1' ? 'localhost' : e.TEMPORAL_ADDRESS.split(':')[0];
  const uiUrl = e.TEMPORAL_UI_URL ?? `http://${uiHost}:${e.TEMPORAL_UI_PORT}`;
  let payloadKeys: PayloadKey[] | undefined;
  if (e.PAYLOAD_KEYS !== undefined) {
    try {
      payloadKeys = parsePayloadKeys(e.PAYLOAD_KEYS);
      createKeyring(payloadKeys, e.PAYLOAD_KEY_ID); // the current key must be one of them
    } catch (err) {
      if (err instanceof PayloadKeyError) throw new ConfigError(err.message);
      throw err;
    }
  } else if (e.PAYLOAD_KEY_ID !== undefined) {
    throw new ConfigError('PAYLOAD_KEY_ID is set but PAYLOAD_KEYS is not');
  }
  const corsOrigins = (e.CODEC_SERVER_CORS_ORIGINS ?? originOf(uiUrl))
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of corsOrigins) {
    if (origin !== originOf(origin))
      throw new ConfigError(`CODEC_SERVER_CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port])`);
  }
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls: e.TEMPORAL_TLS || e.TEMPORAL_API_KEY !== undefined,
      apiKey: e.TEMPORAL_API_KEY,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl,
      embedded: e.TEMPORAL_EMBEDDED,
    },
    dataDir,
    store:
      e.STORE === 's3'
        ? { kind: 's3', bucket: e.S3_BUCKET as string, prefix: e.S3_PREFIX, sseKmsKeyId: e.S3_SSE_KMS_KEY_ID }
        : { kind: 'fs', root: path.resolve(e.STORE_ROOT ?? path.join(dataDir, 'store')) },
    etl: e.ETL,
    batch: e.BATCH,
    notify: e.NOTIFY,
    metrics: e.METRICS,
    aws: {
      region: e.AWS_REGION,
      endpoint: e.AWS_ENDPOINT_URL,
      snsTopicArn: e.SNS_TOPIC_ARN,
      cloudwatchNamespace: e.CLOUDWATCH_NAMESPACE,
      glueJobName: e.GLUE_JOB_NAME,
      batchJobQueue: e.BATCH_JOB_QUEUE,
      batchJobDefinition: e.BATCH_JOB_DEFINITION,
    },
    pipeline: {
      modelName: e.MODEL_NAME,
      shardSize: e.SHARD_SIZE,
      parallelism: e.SHARD_PARALLELISM,
      maxRecordBytes: e.MAX_RECORD_BYTES,
      retrainAfterLabelledRows: e.RETRAIN_AFTER_LABELLED_ROWS,
      driftCheckEveryBatches: e.DRIFT_CHECK_EVERY_BATCHES,
    },
    logLevel: e.LOG_LEVEL,
    codec: {
      keys: payloadKeys,
      currentKeyId: e.PAYLOAD_KEY_ID,
      keyFile: path.resolve(e.PAYLOAD_KEY_FILE ?? path.join(dataDir, 'secrets', 'payload-keys.json')),
      server: {
        host: e.CODEC_SERVER_HOST,
        port: e.CODEC_SERVER_PORT,
        url: (e.CODEC_SERVER_URL ?? `http://localhost:${e.CODEC_SERVER_PORT}`).replace(/\/+$/, ''),
        token: e.CODEC_SERVER_TOKEN,
        tokenFile: path.join(dataDir, 'secrets', 'codec-server-token'),
        corsOrigins,
      },
    },
    redactPii: e.REDACT_PII,
    worker: {
      queues: [...new Set(queues)] as WorkerQueueKind[],
      cpuSlots: e.WORKER_CPU_SLOTS,
      buildId: e.WORKER_BUILD_ID,
      workflowBundle: e.WORKFLOW_BUNDLE,
      versioning: e.WORKER_VERSIONING,
      deploymentName: e.WORKER_DEPLOYMENT_NAME ?? e.TEMPORAL_TASK_QUEUE,
    },
    telemetry: {
      metricsAddress: e.TEMPORAL_METRICS_ADDRESS,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: e.OTEL_SERVICE_NAME,
    },
  };
}

/** A Temporal address on this machine (what an embedded dev server listens on). */
function isLoopbackHost(address: string): boolean {
  const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.split(':')[0];
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

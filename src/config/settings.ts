import path from 'node:path';
import { z } from 'zod';
import { createKeyring, parsePayloadKeys, PayloadKeyError, type PayloadKey } from '../codec/keys';
import { repoRoot } from '../util/repo-root';
import { WORKER_QUEUE_KINDS, type WorkerQueueKind } from '../contracts/task-queues';

/** Model names: what MODEL_NAME and every command's --model accept (valid in object keys, workflow ids and the registry). */
export const MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9-_]{0,62}$/i;
export const MODEL_NAME_RULE = 'letters, digits, - and _ only (at most 63, starting with a letter or digit)';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const positiveInt = z.coerce.number().int().positive();
const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
/** `250ms`, `30s`, `5m`, `6h` -> milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, 'a duration such as 30s, 5m or 6h')
  .transform((v) => {
    const [, n, unit] = /^(\d+)(ms|s|m|h)$/.exec(v) as RegExpExecArray;
    return Number(n) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS];
  })
  .refine((ms) => ms >= 1000, 'at least 1s');

/**
 * Every setting the application reads from its environment, validated once at start-up. The rest of
 * the code receives a `Settings` object; nothing else reads `process.env`.
 *
 * Each variable carries its description (`.describe(...)`): README's configuration table is
 * generated from this schema (src/config/settings-table.ts), and a test fails when a variable has
 * none or when README differs. Allowed values and defaults come from the types themselves.
 */
export const settingsSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .default('127.0.0.1:7233')
    .describe('host:port of the Temporal frontend; on a loopback address a dev server is started when none answers'),
  TEMPORAL_NAMESPACE: z.string().default('default').describe('Temporal namespace of the workflows'),
  TEMPORAL_TASK_QUEUE: z.string().default('nlp-batch').describe('task queue the worker polls and the client starts workflows on'),
  TEMPORAL_TLS: bool.default('false').describe('connect with TLS (on whenever TEMPORAL_API_KEY is set)'),
  TEMPORAL_API_KEY: z.string().optional().describe('Temporal Cloud API key; never logged'),
  TEMPORAL_UI_PORT: positiveInt.default(8233).describe('Web UI port of the embedded dev server'),
  TEMPORAL_UI_URL: z
    .string()
    .optional()
    .describe('base URL of the Temporal UI in printed links (default http://localhost:TEMPORAL_UI_PORT)'),
  /** Whether a command may start a local dev server when none answers at the address. */
  TEMPORAL_EMBEDDED: bool
    .default('true')
    .describe('let a command start a dev server (and worker) when none answers at a loopback TEMPORAL_ADDRESS'),

  DATA_DIR: z
    .string()
    .optional()
    .describe('folder of the local setup: server database, object store, notifications, metrics, keys (default .data in the repository)'),
  STORE: z.enum(['fs', 's3']).default('fs').describe('object store: a local folder or S3 (needs S3_BUCKET)'),
  STORE_ROOT: z.string().optional().describe('folder of the fs store (default DATA_DIR/store)'),
  S3_BUCKET: z.string().optional().describe('bucket of the s3 store; required with STORE=s3'),
  S3_PREFIX: z.string().default('').describe('key prefix inside S3_BUCKET'),
  S3_SSE_KMS_KEY_ID: z.string().optional().describe("KMS key for S3 server-side encryption (default: the bucket's)"),
  ETL: z
    .enum(['local', 'glue'])
    .default('local')
    .describe('where cleaning runs: in the worker, or as the AWS Glue job (needs GLUE_JOB_NAME)'),
  BATCH: z
    .enum(['worker', 'local', 'aws'])
    .default('worker')
    .describe(
      'where scoring runs: in the worker, in local processes (the AWS Batch stand-in), or on AWS Batch (needs BATCH_JOB_QUEUE and BATCH_JOB_DEFINITION)',
    ),
  GLUE_JOB_NAME: z.string().optional().describe('Glue job that cleans shards; required with ETL=glue'),
  BATCH_JOB_QUEUE: z.string().optional().describe('AWS Batch job queue; required with BATCH=aws'),
  BATCH_JOB_DEFINITION: z.string().optional().describe('AWS Batch job definition; required with BATCH=aws'),
  NOTIFY: z
    .enum(['console', 'sns'])
    .default('console')
    .describe('where alerts go: DATA_DIR/notifications.jsonl and stderr, or SNS (needs SNS_TOPIC_ARN)'),
  METRICS: z.enum(['local', 'cloudwatch']).default('local').describe('where metrics go: DATA_DIR/metrics.jsonl, or CloudWatch'),

  AWS_REGION: z.string().default('us-east-1').describe('AWS region of the S3, Glue, Batch, SNS and CloudWatch clients'),
  AWS_ENDPOINT_URL: z.string().optional().describe('one endpoint for every AWS client, for emulators such as moto'),
  SNS_TOPIC_ARN: z.string().optional().describe('topic of the alerts; required with NOTIFY=sns'),
  CLOUDWATCH_NAMESPACE: z.string().default('NlpBatch').describe('CloudWatch namespace of the metrics'),

  MODEL_NAME: z
    .string()
    .regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE)
    .default('default')
    .describe('model that scores batches and that commands act on when --model is not given'),
  SHARD_SIZE: positiveInt.default(5000).describe('rows per shard'),
  SHARD_PARALLELISM: positiveInt.default(4).describe('shards cleaned and scored at once per batch'),
  MAX_RECORD_BYTES: positiveInt.default(1024 * 1024).describe('longest input record; longer ones are quarantined as record_too_large'),
  RETRAIN_AFTER_LABELLED_ROWS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10_000)
    .describe('ask continuousTraining for a run once this many labelled rows arrived through ingestBatch (0: never)'),
  DRIFT_CHECK_EVERY_BATCHES: z.coerce
    .number()
    .int()
    .min(0)
    .default(5)
    .describe('ask driftCorrection to check the model every N scored batches (0: never)'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info').describe("level of the worker's JSON log lines"),

  /** Payload encryption keys, `id1:base64key,id2:base64key` (32-byte AES-256 keys). */
  PAYLOAD_KEYS: z
    .string()
    .optional()
    .describe(
      'payload encryption keys, id1:base64key,id2:base64key (32-byte AES-256 keys); client and worker need the same (default: a key generated into PAYLOAD_KEY_FILE)',
    ),
  /** The key id that encrypts (the others only decrypt); optional with a single key. */
  PAYLOAD_KEY_ID: z.string().optional().describe('id of the key that encrypts (the others only decrypt); optional with a single key'),
  /** Where the local setup keeps its generated key when PAYLOAD_KEYS is unset (default DATA_DIR/secrets/payload-keys.json). */
  PAYLOAD_KEY_FILE: z
    .string()
    .optional()
    .describe('where the local setup keeps its generated key when PAYLOAD_KEYS is unset (default DATA_DIR/secrets/payload-keys.json)'),
  /** Bearer token of the codec server (default: generated into DATA_DIR/secrets/codec-server-token). */
  CODEC_SERVER_TOKEN: z
    .string()
    .min(16, 'at least 16 characters')
    .optional()
    .describe('bearer token of the codec server (default: generated into DATA_DIR/secrets/codec-server-token)'),
  CODEC_SERVER_PORT: positiveInt.default(8888).describe('port of the codec server the Temporal UI decrypts payloads with'),
  CODEC_SERVER_HOST: z.string().default('127.0.0.1').describe('interface the codec server listens on'),
  /** The codec server's URL as the UI's browser reaches it (default http://localhost:CODEC_SERVER_PORT). */
  CODEC_SERVER_URL: z
    .string()
    .url()
    .optional()
    .describe("the codec server's URL as the UI's browser reaches it (default http://localhost:CODEC_SERVER_PORT)"),
  /** Origins allowed to call the codec server from a browser, comma-separated (default: the UI's origin). */
  CODEC_SERVER_CORS_ORIGINS: z
    .string()
    .optional()
    .describe("origins allowed to call the codec server from a browser, comma-separated (default: the UI's origin)"),
  /** Replace e-mail addresses, phone numbers and URLs with [EMAIL], [PHONE], [URL] before writing processed rows and results. */
  REDACT_PII: bool
    .default('false')
    .describe('replace e-mail addresses, phone numbers and URLs with [EMAIL], [PHONE], [URL] before writing processed rows and results'),
  WORKER_QUEUES: z
    .string()
    .default('workflows,cpu')
    .describe('queues a worker process polls: workflows (workflows and light I/O), cpu (cleaning, scoring, fits), comma-separated'),
  WORKER_CPU_SLOTS: positiveInt
    .optional()
    .describe("CPU-bound activities at once per worker process (its CPU pool's threads); default: the machine's cores"),
  WORKER_BUILD_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'letters, digits, ., _ and - only')
    .optional()
    .describe('build id the worker declares (Worker Versioning); default: derived from the workflow code'),
  WORKFLOW_BUNDLE: z
    .string()
    .optional()
    .describe('a workflow bundle made at build time (npm run build:bundle; the image sets it): no bundling at start-up'),
  WORKER_VERSIONING: bool
    .default('false')
    .describe('route workflow tasks by deployment version (Worker Versioning): true on clusters with rolling deploys'),
  WORKER_DEPLOYMENT_NAME: z.string().optional().describe("the Worker Deployment's name (Worker Versioning); default: the task queue"),
  /** Serve the Temporal Core SDK's metrics for Prometheus at `host:port`/metrics from the worker (e.g. 127.0.0.1:9464); unset: off. */
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'host:port')
    .optional()
    .describe(
      "serve the Temporal Core SDK's metrics for Prometheus at host:port/metrics from the worker (e.g. 127.0.0.1:9464); unset: off",
    ),
  /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318) receiving traces of workflows and activities; unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .url()
    .optional()
    .describe('OTLP/HTTP collector (e.g. http://127.0.0.1:4318) receiving traces of workflows and activities; unset: no tracing'),
  /** service.name of the worker's traces. */
  OTEL_SERVICE_NAME: z.string().min(1).default('nlp-batch-worker').describe("service.name of the worker's traces"),
  /** The SQS queue the S3 upload notifications arrive on, for `nlp-batch sqs-poller` (deployments without the Lambda). */
  SQS_QUEUE_URL: z.string().url().optional().describe('the SQS queue of S3 upload notifications that `nlp-batch sqs-poller` reads'),
  /** Uploads to one folder within this many seconds (by S3 event time) join one batch: 1..86400, default 60 (Lambda and poller). */
  S3_EVENT_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(60)
    .describe('uploads to one folder within this many seconds (S3 event time) join one batch (Lambda and sqs-poller)'),
  /** How long the workers keep retrying an activity's infrastructure errors (S3, AWS, server outages) before a batch fails: <n>ms|s|m|h, default 6h. */
  INFRA_RETRY_TIMEOUT: duration
    .default('6h')
    .describe("how long workers retry an activity's infrastructure errors (S3, AWS, Temporal outages) before a batch fails: 30s, 5m, 6h"),
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
  /** INFRA_RETRY_TIMEOUT in ms: the window in which the workers retry an activity's infrastructure errors. */
  infraRetryTimeoutMs: number;
  /** S3 upload notifications (SQS_QUEUE_URL, S3_EVENT_WINDOW_SECONDS): what the poller reads and how it groups. */
  ingestEvents: { queueUrl?: string; windowMs: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = settingsSchema.safeParse(env);
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
    infraRetryTimeoutMs: e.INFRA_RETRY_TIMEOUT,
    ingestEvents: { queueUrl: e.SQS_QUEUE_URL, windowMs: e.S3_EVENT_WINDOW_SECONDS * 1000 },
  };
}

/** The built-in defaults, read from no environment: for components built without settings (tests). */
export function defaultSettings(): Settings {
  return loadSettings({});
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

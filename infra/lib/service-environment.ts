import type { DeploymentConfig } from './config';

/**
 * The environments the stack gives its two kinds of process, from one place. Pure (no CDK
 * import): the stack calls it with CloudFormation tokens, the end-to-end test with moto's names,
 * so the test's upload signaller has exactly what the deployed Lambda has.
 *
 * Who decides what: the worker's environment carries the deployment's decisions (ETL, BATCH,
 * REDACT_PII, INFRA_RETRY_TIMEOUT, adapters); ingestBatch asks a worker for them. The Lambda only
 * starts batches, so it gets the coordinates both must share (Temporal, store, model) and none of
 * those decisions: anything it had would be ignored anyway.
 */

export type ServiceConfig = Pick<
  DeploymentConfig,
  'temporalAddress' | 'temporalNamespace' | 'temporalTaskQueue' | 'temporalTls' | 'modelName' | 's3EventWindowSeconds'
>;

export interface StoreNames {
  bucket: string;
  /** Store prefix inside the bucket (S3_PREFIX); the stack uses the bucket root. */
  prefix?: string;
}

export interface WorkerNames extends StoreNames {
  region: string;
  kmsKeyArn: string;
  glueJobName: string;
  batchJobQueue: string;
  batchJobDefinition: string;
  snsTopicArn: string;
  cloudwatchNamespace: string;
}

/** What every process of the deployment must agree on. */
export function sharedEnvironment(config: ServiceConfig, store: StoreNames): Record<string, string> {
  return {
    STORE: 's3',
    S3_BUCKET: store.bucket,
    S3_PREFIX: store.prefix ?? '',
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
    TEMPORAL_TASK_QUEUE: config.temporalTaskQueue,
    TEMPORAL_TLS: String(config.temporalTls),
    TEMPORAL_EMBEDDED: 'false',
    MODEL_NAME: config.modelName,
  };
}

/** The deployment's decisions: only workers carry them. */
export const DEPLOYMENT_DECISIONS = ['ETL', 'BATCH', 'REDACT_PII', 'INFRA_RETRY_TIMEOUT'] as const;

/** The worker service (ECS): shared coordinates plus every adapter and placement decision. */
export function workerEnvironment(config: ServiceConfig, names: WorkerNames): Record<string, string> {
  return {
    ...sharedEnvironment(config, names),
    S3_SSE_KMS_KEY_ID: names.kmsKeyArn,
    AWS_REGION: names.region,
    DATA_DIR: '/data',
    ETL: 'glue',
    GLUE_JOB_NAME: names.glueJobName,
    BATCH: 'aws',
    BATCH_JOB_QUEUE: names.batchJobQueue,
    BATCH_JOB_DEFINITION: names.batchJobDefinition,
    NOTIFY: 'sns',
    SNS_TOPIC_ARN: names.snsTopicArn,
    METRICS: 'cloudwatch',
    CLOUDWATCH_NAMESPACE: names.cloudwatchNamespace,
    LOG_LEVEL: 'info',
  };
}

export interface LambdaSecrets {
  /** Resolved into TEMPORAL_API_KEY at cold start (infra/lambda/secret-env.ts). */
  temporalApiKeySecretArn?: string;
  /** Resolved into PAYLOAD_KEYS: the Lambda encrypts the batch input and the files it adds. */
  payloadKeysSecretArn: string;
}

/** The S3-event Lambda: shared coordinates, its event window and the secrets it resolves itself. */
export function lambdaEnvironment(config: ServiceConfig, store: StoreNames, secrets: LambdaSecrets): Record<string, string> {
  return {
    ...sharedEnvironment(config, store),
    ...(secrets.temporalApiKeySecretArn !== undefined && { TEMPORAL_API_KEY_SECRET_ARN: secrets.temporalApiKeySecretArn }),
    PAYLOAD_KEYS_SECRET_ARN: secrets.payloadKeysSecretArn,
    S3_EVENT_WINDOW_SECONDS: String(config.s3EventWindowSeconds),
    // loadSettings() resolves DATA_DIR from the repository root unless it is set.
    DATA_DIR: '/tmp/nlp-batch',
    NODE_OPTIONS: '--enable-source-maps',
  };
}

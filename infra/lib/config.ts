/**
 * Deployment settings, read from CDK context (`cdk.json`, `-c key=value`, or CDK_CONTEXT_JSON) and
 * validated once. Every value has a default so `cdk synth` works with no context at all; the
 * Temporal address and namespace defaults are placeholders that a deployment must override.
 */

export interface RetentionDays {
  /** raw/: what users upload. */
  raw: number;
  /** staged/: validated rows, normalised across input formats. */
  staged: number;
  /** processed/: cleaned shards. */
  processed: number;
  /** quarantine/: rejected rows and files with reasons. */
  quarantine: number;
  /** results/ (Parquet) and batches/ (JSON Lines parts, manifests, reports). */
  results: number;
  /** jobs/: claim-checked Glue/Batch job specs. */
  jobs: number;
  /** Older versions of any object (the bucket is versioned). */
  noncurrent: number;
}

export interface DeploymentConfig {
  stackName: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalTaskQueue: string;
  /** TLS to the Temporal frontend (Temporal Cloud: always). */
  temporalTls: boolean;
  modelName: string;
  workerCount: number;
  workerCpu: number;
  workerMemoryMiB: number;
  batchMaxVcpus: number;
  batchSpot: boolean;
  glueWorkers: number;
  glueMaxConcurrentRuns: number;
  natGateways: number;
  /** Interface endpoints (ECR, Logs, SQS, SNS, Secrets Manager, CloudWatch); off: that traffic uses the NAT gateway. */
  interfaceEndpoints: boolean;
  s3EventWindowSeconds: number;
  retentionDays: RetentionDays;
  modelLockDays: number;
  logRetentionDays: number;
  quarantineRateThreshold: number;
  driftPsiThreshold: number;
  modelF1Threshold: number;
  cloudTrail: boolean;
  guardDuty: boolean;
  awsConfig: boolean;
  nag: boolean;
}

export const PLACEHOLDER_TEMPORAL_ADDRESS = 'CHANGE-ME.tmprl.cloud:7233';

export const DEFAULT_CONFIG: DeploymentConfig = {
  stackName: 'NlpBatch',
  temporalAddress: PLACEHOLDER_TEMPORAL_ADDRESS,
  temporalNamespace: 'CHANGE-ME',
  temporalTaskQueue: 'nlp-batch',
  temporalTls: true,
  modelName: 'default',
  workerCount: 1,
  workerCpu: 1024,
  workerMemoryMiB: 2048,
  batchMaxVcpus: 16,
  batchSpot: false,
  glueWorkers: 2,
  glueMaxConcurrentRuns: 4,
  natGateways: 1,
  interfaceEndpoints: true,
  s3EventWindowSeconds: 60,
  retentionDays: { raw: 30, staged: 7, processed: 14, quarantine: 90, results: 365, jobs: 14, noncurrent: 30 },
  modelLockDays: 365,
  logRetentionDays: 90,
  quarantineRateThreshold: 5,
  driftPsiThreshold: 0.2,
  modelF1Threshold: 0.8,
  cloudTrail: true,
  guardDuty: false,
  awsConfig: false,
  nag: true,
};

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Lookup = (key: string) => unknown;

function bool(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ConfigError(`context ${key}: expected true or false, got ${JSON.stringify(value)}`);
}

function num(key: string, value: unknown, fallback: number, min: number, max: number, integer = true): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new ConfigError(
      `context ${key}: expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function str(key: string, value: unknown, fallback: string, pattern: RegExp, what: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !pattern.test(value))
    throw new ConfigError(`context ${key}: expected ${what}, got ${JSON.stringify(value)}`);
  return value;
}

/** Parses CDK context (`node.tryGetContext`) into a validated configuration. */
export function readConfig(lookup: Lookup): DeploymentConfig {
  const d = DEFAULT_CONFIG;
  const rawRetention = lookup('retentionDays');
  let retentionInput: Record<string, unknown> = {};
  if (rawRetention !== undefined) {
    const parsed = typeof rawRetention === 'string' ? safeJson('retentionDays', rawRetention) : rawRetention;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ConfigError('context retentionDays: expected an object');
    retentionInput = parsed as Record<string, unknown>;
    for (const k of Object.keys(retentionInput)) {
      if (!(k in d.retentionDays))
        throw new ConfigError(`context retentionDays.${k}: unknown prefix (known: ${Object.keys(d.retentionDays).join(', ')})`);
    }
  }
  const retentionDays = Object.fromEntries(
    Object.entries(d.retentionDays).map(([k, v]) => [k, num(`retentionDays.${k}`, retentionInput[k], v, 1, 3650)]),
  ) as unknown as RetentionDays;
  if (retentionDays.staged > retentionDays.raw) {
    // staged/ rows are derived from raw/; keeping them longer than their source buys nothing.
    throw new ConfigError('context retentionDays: staged must not exceed raw');
  }

  const logRetentionDays = num('logRetentionDays', lookup('logRetentionDays'), d.logRetentionDays, 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw new ConfigError(`context logRetentionDays: CloudWatch Logs accepts ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  const workerCpu = num('workerCpu', lookup('workerCpu'), d.workerCpu, 256, 16384);
  if (![256, 512, 1024, 2048, 4096, 8192, 16384].includes(workerCpu))
    throw new ConfigError('context workerCpu: one of 256, 512, 1024, 2048, 4096, 8192, 16384');

  return {
    stackName: str('stackName', lookup('stackName'), d.stackName, /^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'a CloudFormation stack name'),
    temporalAddress: str('temporalAddress', lookup('temporalAddress'), d.temporalAddress, /^[A-Za-z0-9.-]+:\d{1,5}$/, 'host:port'),
    temporalNamespace: str(
      'temporalNamespace',
      lookup('temporalNamespace'),
      d.temporalNamespace,
      /^[A-Za-z0-9._-]{1,255}$/,
      'a Temporal namespace',
    ),
    temporalTaskQueue: str(
      'temporalTaskQueue',
      lookup('temporalTaskQueue'),
      d.temporalTaskQueue,
      /^[A-Za-z0-9._-]{1,255}$/,
      'a task queue name',
    ),
    temporalTls: bool('temporalTls', lookup('temporalTls'), d.temporalTls),
    modelName: str('modelName', lookup('modelName'), d.modelName, /^[a-z0-9][a-z0-9-_]{0,62}$/i, 'a model name (letters, digits, - and _)'),
    workerCount: num('workerCount', lookup('workerCount'), d.workerCount, 0, 50),
    workerCpu,
    workerMemoryMiB: num('workerMemoryMiB', lookup('workerMemoryMiB'), d.workerMemoryMiB, 512, 122880),
    batchMaxVcpus: num('batchMaxVcpus', lookup('batchMaxVcpus'), d.batchMaxVcpus, 1, 4096),
    batchSpot: bool('batchSpot', lookup('batchSpot'), d.batchSpot),
    glueWorkers: num('glueWorkers', lookup('glueWorkers'), d.glueWorkers, 2, 299),
    glueMaxConcurrentRuns: num('glueMaxConcurrentRuns', lookup('glueMaxConcurrentRuns'), d.glueMaxConcurrentRuns, 1, 1000),
    natGateways: num('natGateways', lookup('natGateways'), d.natGateways, 0, 2),
    interfaceEndpoints: bool('interfaceEndpoints', lookup('interfaceEndpoints'), d.interfaceEndpoints),
    s3EventWindowSeconds: num('s3EventWindowSeconds', lookup('s3EventWindowSeconds'), d.s3EventWindowSeconds, 1, 3600),
    retentionDays,
    modelLockDays: num('modelLockDays', lookup('modelLockDays'), d.modelLockDays, 1, 36500),
    logRetentionDays,
    quarantineRateThreshold: num('quarantineRateThreshold', lookup('quarantineRateThreshold'), d.quarantineRateThreshold, 0, 100, false),
    driftPsiThreshold: num('driftPsiThreshold', lookup('driftPsiThreshold'), d.driftPsiThreshold, 0, 100, false),
    modelF1Threshold: num('modelF1Threshold', lookup('modelF1Threshold'), d.modelF1Threshold, 0, 1, false),
    cloudTrail: bool('cloudTrail', lookup('cloudTrail'), d.cloudTrail),
    guardDuty: bool('guardDuty', lookup('guardDuty'), d.guardDuty),
    awsConfig: bool('awsConfig', lookup('awsConfig'), d.awsConfig),
    nag: bool('nag', lookup('nag'), d.nag),
  };
}

function safeJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError(`context ${key}: not valid JSON`);
  }
}

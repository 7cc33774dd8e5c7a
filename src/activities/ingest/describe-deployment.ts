import { defaultSettings, type Settings } from '../../config/settings';
import type { IngestDeploymentV1 } from '../../contracts/ingest-batch';
import { DEFAULT_INFRA_RETRY_TIMEOUT_MS } from '../../contracts/retry';

/**
 * The deployment's decisions for a batch, from the settings of the worker that runs it (ETL,
 * BATCH, REDACT_PII, INFRA_RETRY_TIMEOUT, SHARD_SIZE, SHARD_PARALLELISM, MAX_RECORD_BYTES and the
 * training/drift triggers): they are the deployment's choice, not the starter's (an upload Lambda
 * or a laptop has none of these settings). A worker built without settings (tests) runs everything
 * in itself with the built-in defaults.
 */
export function deploymentOf(settings: Settings | undefined): IngestDeploymentV1 {
  const pipeline = (settings ?? defaultSettings()).pipeline;
  return {
    etl: settings?.etl ?? 'local',
    scoring: settings?.batch ?? 'worker',
    redactPii: settings?.redactPii ?? false,
    infraRetryTimeoutMs: settings?.infraRetryTimeoutMs ?? DEFAULT_INFRA_RETRY_TIMEOUT_MS,
    shardSize: pipeline.shardSize,
    parallelism: pipeline.parallelism,
    maxRecordBytes: pipeline.maxRecordBytes,
    retrainAfterLabelledRows: pipeline.retrainAfterLabelledRows,
    driftCheckEveryBatches: pipeline.driftCheckEveryBatches,
  };
}

export function createDescribeDeployment(settings: Settings | undefined) {
  const deployment = deploymentOf(settings);
  return async function describeDeployment(): Promise<IngestDeploymentV1> {
    return deployment;
  };
}

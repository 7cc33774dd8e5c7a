import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import type { ColumnMappingV1, IngestBatchInputV1, IngestOptionsV1, SourceRefV1 } from '../contracts/ingest-batch';
import { buildIngestOptions, startIngestBatch, type IngestBatchHandle } from '../starters';

export { ingestWorkflowId } from '../starters';

export function newBatchId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `b${stamp}-${randomBytes(3).toString('hex')}`;
}

export interface StartIngestOptions {
  batchId: string;
  sources: SourceRefV1[];
  modelName?: string;
  columns?: ColumnMappingV1;
  windowMs?: number;
  shardSize?: number;
  parallelism?: number;
  /** Explicit placement override (`ingest --etl/--scoring`); absent, the workers' deployment decides. */
  placement?: IngestOptionsV1['placement'];
  /** Explicit retry-window override; absent, the workers' INFRA_RETRY_TIMEOUT. */
  infraRetry?: IngestOptionsV1['infraRetry'];
}

/**
 * A batch's options: `overrides` only. The starter's settings are not read: the pipeline's sizes,
 * limits, triggers and placement are the workers' (see buildIngestOptions). Kept with this
 * signature for its callers; the settings argument is ignored.
 */
export function ingestOptions(_settings: Settings | undefined, overrides: Partial<IngestOptionsV1> = {}): IngestOptionsV1 {
  return buildIngestOptions(overrides);
}

export function startIngest(client: Client, settings: Settings, options: StartIngestOptions): Promise<IngestBatchHandle> {
  const input: IngestBatchInputV1 = {
    version: 1,
    batchId: options.batchId,
    modelName: options.modelName ?? settings.pipeline.modelName,
    sources: options.sources,
    options: buildIngestOptions({
      ...(options.columns !== undefined && { columns: options.columns }),
      ...(options.windowMs !== undefined && { windowMs: options.windowMs }),
      ...(options.shardSize !== undefined && { shardSize: options.shardSize }),
      ...(options.parallelism !== undefined && { parallelism: options.parallelism }),
      ...(options.placement !== undefined && { placement: options.placement }),
      ...(options.infraRetry !== undefined && { infraRetry: options.infraRetry }),
    }),
  };
  return startIngestBatch(client, settings.temporal.taskQueue, input);
}

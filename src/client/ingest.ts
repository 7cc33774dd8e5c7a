import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { ColumnMappingV1, INGEST_BATCH_WORKFLOW, IngestBatchInputV1, IngestOptionsV1, SourceRefV1 } from '../contracts/ingest-batch';
import { searchAttributes } from '../contracts/search-attributes';
import type { Settings } from '../config/settings';
import type { ingestBatch } from '../workflows/ingest-batch';

export function newBatchId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `b${stamp}-${randomBytes(3).toString('hex')}`;
}

export const ingestWorkflowId = (batchId: string) => `ingest-${batchId}`;

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
 * A batch's options. Where stages run, PII redaction and the retry window are not among the
 * defaults: the workers' deployment decides them (the workflow asks a worker), so a starter with
 * other settings (the upload Lambda, a laptop) cannot move the work. Pass `placement`,
 * `redactPii` or `infraRetry` in `overrides` only to override explicitly.
 */
export function ingestOptions(settings: Settings, overrides: Partial<IngestOptionsV1> = {}): IngestOptionsV1 {
  return {
    shardSize: settings.pipeline.shardSize,
    parallelism: settings.pipeline.parallelism,
    windowMs: 0,
    maxRecordBytes: settings.pipeline.maxRecordBytes,
    retrainAfterLabelledRows: settings.pipeline.retrainAfterLabelledRows,
    driftCheckEveryBatches: settings.pipeline.driftCheckEveryBatches,
    ...overrides,
  };
}

export function startIngest(client: Client, settings: Settings, options: StartIngestOptions): Promise<WorkflowHandle<typeof ingestBatch>> {
  const modelName = options.modelName ?? settings.pipeline.modelName;
  const input: IngestBatchInputV1 = {
    version: 1,
    batchId: options.batchId,
    modelName,
    sources: options.sources,
    options: ingestOptions(settings, {
      columns: options.columns,
      ...(options.windowMs !== undefined && { windowMs: options.windowMs }),
      ...(options.shardSize !== undefined && { shardSize: options.shardSize }),
      ...(options.parallelism !== undefined && { parallelism: options.parallelism }),
      ...(options.placement !== undefined && { placement: options.placement }),
      ...(options.infraRetry !== undefined && { infraRetry: options.infraRetry }),
    }),
  };
  return client.workflow.start<typeof ingestBatch>(INGEST_BATCH_WORKFLOW, {
    taskQueue: settings.temporal.taskQueue,
    workflowId: ingestWorkflowId(options.batchId),
    args: [input],
    typedSearchAttributes: [
      { key: searchAttributes.batchId, value: options.batchId },
      { key: searchAttributes.modelName, value: modelName },
      { key: searchAttributes.pipelineStage, value: 'started' },
    ],
    memo: { files: options.sources.length, firstFile: options.sources[0]?.key ?? null },
  });
}

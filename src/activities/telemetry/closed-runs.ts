import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { MetricsSink } from '../../metrics/metrics-sink';
import type { Notifier } from '../../notify/notifier';
import { PreconditionFailedError, type ObjectStore } from '../../storage/object-store';
import { createAlertMetricActivities } from './alert-metrics';

export interface AlertClosedRunsInput {
  /** Runs closed within this many ms before now are examined (wider than the schedule's interval). */
  lookbackMs: number;
}

export interface AlertClosedRunsOutput {
  examined: number;
  alerted: Array<{ workflowId: string; runId: string; status: string }>;
}

/** One marker per alerted run: what makes "alert once each" hold across overlapping lookbacks and retries. */
export const closedRunAlertKey = (workflowId: string, runId: string) => `alerts/closed-runs/${workflowId}/${runId}.json`;

const STATUS_NAMES: Record<number, string> = { 5: 'terminated', 7: 'timed out' };

/**
 * ingestBatch runs that were terminated or timed out never reach their catch block, so they send no
 * failure notification and no BatchesFailed metric themselves. This finds them in visibility
 * (closed in the lookback window) and raises both, once per run: the marker is created with
 * if-none-match before alerting, so overlapping checks and retried attempts cannot alert twice.
 */
export function createAlertClosedRuns(deps: { store: ObjectStore; notifier: Notifier; metrics: MetricsSink; client?: Client }) {
  const metrics = createAlertMetricActivities(deps.metrics);
  return async function alertClosedRuns({ lookbackMs }: AlertClosedRunsInput): Promise<AlertClosedRunsOutput> {
    const client = deps.client ?? Context.current().client;
    const since = new Date(Date.now() - lookbackMs).toISOString();
    const query = `WorkflowType = 'ingestBatch' AND ExecutionStatus IN ('Terminated', 'TimedOut') AND CloseTime > '${since}'`;
    const out: AlertClosedRunsOutput = { examined: 0, alerted: [] };
    for await (const run of client.workflow.list({ query })) {
      out.examined++;
      const status = STATUS_NAMES[run.status.code] ?? run.status.name.toLowerCase();
      try {
        await deps.store.put(
          closedRunAlertKey(run.workflowId, run.runId),
          JSON.stringify({
            workflowId: run.workflowId,
            runId: run.runId,
            status,
            closeTime: run.closeTime?.toISOString() ?? null,
            alertedAt: new Date().toISOString(),
          }),
          { contentType: 'application/json', ifNoneMatch: true },
        );
      } catch (err) {
        if (err instanceof PreconditionFailedError) continue; // alerted already
        throw err;
      }
      const attributes = run.searchAttributes as Record<string, unknown[] | undefined>;
      const batchId = String(attributes.BatchId?.[0] ?? run.workflowId.replace(/^ingest-/, ''));
      const modelName = String(attributes.ModelName?.[0] ?? 'unknown');
      const modelVersion = attributes.ModelVersion?.[0] === undefined ? null : String(attributes.ModelVersion[0]);
      await deps.notifier.publish({
        event: 'batch.failed',
        severity: 'error',
        subject: `Batch ${batchId} ${status}`,
        message: `ingestBatch ${run.workflowId} (run ${run.runId}) was ${status} at ${run.closeTime?.toISOString() ?? 'an unknown time'}; it could not report this itself.`,
        attributes: { batchId, workflowId: run.workflowId, runId: run.runId, status, modelVersion: modelVersion ?? 'unresolved' },
      });
      await metrics.recordBatchFailed({ batchId, modelName, modelVersion, status });
      out.alerted.push({ workflowId: run.workflowId, runId: run.runId, status });
    }
    return out;
  };
}

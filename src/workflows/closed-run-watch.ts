import { proxyActivities } from '@temporalio/workflow';
import type { AlertClosedRunsInput, AlertClosedRunsOutput } from '../activities/telemetry/closed-runs';
import type { TelemetryActivities } from '../activities/telemetry';
import { infrastructureRetry } from './retry-policy';

const { alertClosedRuns } = proxyActivities<TelemetryActivities>({ startToCloseTimeout: '5m', retry: infrastructureRetry });

/**
 * Started by the `closed-run-watch` Schedule: alerts, once each, on ingestBatch runs that were
 * terminated or timed out (they never reach their own failure handling).
 */
export async function closedRunWatch(input: AlertClosedRunsInput): Promise<AlertClosedRunsOutput> {
  return await alertClosedRuns(input);
}

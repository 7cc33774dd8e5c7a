import { proxyActivities } from '@temporalio/workflow';
import type { AlertClosedRunsInput, AlertClosedRunsOutput } from '../activities/telemetry/closed-runs';
import type { TelemetryActivities } from '../activities/telemetry';
import { infraActivityOptions } from './retry-policy';

// Each fire retries within half an hour; the next fire of the Schedule picks up what this one missed.
const { alertClosedRuns } = proxyActivities<TelemetryActivities>(
  infraActivityOptions({ startToCloseMs: 5 * 60_000 }, { timeoutMs: 30 * 60_000 }),
);

/**
 * Started by the `closed-run-watch` Schedule: alerts, once each, on ingestBatch runs that were
 * terminated or timed out (they never reach their own failure handling).
 */
export async function closedRunWatch(input: AlertClosedRunsInput): Promise<AlertClosedRunsOutput> {
  return await alertClosedRuns(input);
}

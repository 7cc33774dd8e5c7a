import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { DEFAULT_INFRA_RETRY_TIMEOUT_MS, type InfraRetryV1 } from '../contracts/retry';

/**
 * Infrastructure errors (a store timeout, a worker restart, an AWS outage) retry with backoff for
 * a window of time (INFRA_RETRY_TIMEOUT, hours by default), not a small number of attempts: a
 * five-minute S3 outage must not fail a batch that has run for hours. Bad input fails at once
 * because activities raise it as non-retryable ApplicationFailures. Temporal's RetryPolicy has no
 * time bound of its own, so the window is the activity's ScheduleToClose timeout and
 * maximumAttempts stays unset.
 */
export const DEFAULT_INFRA_RETRY: InfraRetryV1 = { timeoutMs: DEFAULT_INFRA_RETRY_TIMEOUT_MS };

export function infraRetryPolicy(window: InfraRetryV1 = DEFAULT_INFRA_RETRY): RetryPolicy {
  return {
    initialInterval: window.initialIntervalMs ?? 1000,
    backoffCoefficient: 2,
    maximumInterval: window.maximumIntervalMs ?? 60_000,
  };
}

export interface ActivityLimits {
  /** One attempt's own limit. */
  startToCloseMs: number;
  heartbeatMs?: number;
  /**
   * Long activities (a Glue or Batch job, a whole shard, a fit) get the window on top of their own
   * limit, so a job that legitimately runs for hours still has the full window for retries. Short
   * ones get the window as their whole budget.
   */
  long?: boolean;
}

/** The activity options of one kind of activity under a retry window. */
export function infraActivityOptions(limits: ActivityLimits, window: InfraRetryV1 = DEFAULT_INFRA_RETRY): ActivityOptions {
  const attempt = Math.min(limits.startToCloseMs, window.attemptTimeoutMs ?? Infinity);
  const scheduleToClose = limits.long ? attempt + window.timeoutMs : window.timeoutMs;
  return {
    startToCloseTimeout: Math.min(attempt, scheduleToClose),
    scheduleToCloseTimeout: scheduleToClose,
    ...(limits.heartbeatMs !== undefined && { heartbeatTimeout: limits.heartbeatMs }),
    retry: infraRetryPolicy(window),
  };
}

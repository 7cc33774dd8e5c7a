/**
 * How long activities keep retrying infrastructure errors (a store timeout, an AWS 503, a server
 * restart) before the workflow gives up. Bounded by time, not attempts: an outage of minutes must
 * not fail a batch that has run for hours. Travels in workflow inputs as an explicit override.
 */
export interface InfraRetryV1 {
  /** The retry window, in ms (ScheduleToClose of the short activities; added to the long ones' own limit). */
  timeoutMs: number;
  /** First backoff (default 1 s), doubling up to maximumIntervalMs (default 1 min). */
  initialIntervalMs?: number;
  maximumIntervalMs?: number;
  /**
   * Caps one attempt of every activity (default: each activity's own limit, up to 12 h for a Glue or
   * Batch job). The long activities' budget is their attempt limit plus the window, so a batch known
   * to be small (a test) sets this to give up within minutes.
   */
  attemptTimeoutMs?: number;
}

/** The default window when neither the deployment nor the workflow input says otherwise. */
export const DEFAULT_INFRA_RETRY_TIMEOUT_MS = 6 * 3_600_000;

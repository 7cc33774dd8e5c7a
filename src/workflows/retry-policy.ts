import type { RetryPolicy } from '@temporalio/workflow';

/**
 * Infrastructure errors (a store timeout, a worker restart) retry with backoff; bad input fails at
 * once because activities raise it as non-retryable ApplicationFailures. Bounded attempts, so a
 * persistent outage ends in a failed workflow and an alert rather than a silent retry loop.
 */
export const infrastructureRetry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 8 };

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import { createS3EventSignaller } from './handler';
import { pollOnce, runSqsPoller, type PollOutcome } from './sqs-poller';

export interface PollerServiceOptions {
  settings: Settings;
  client: Client;
  sqs: SQSClient;
  queueUrl: string;
  /** One JSON object per event worth logging (stdout lines in a container). */
  log: (entry: Record<string, unknown>) => void;
  /** Stops the loop (SIGTERM, Ctrl-C); an in-flight long poll is aborted. */
  signal: AbortSignal;
  /** One receive round, then return (cron-style runs, tests). */
  once?: boolean;
}

/**
 * The SQS poller as a service, for deployments without the Lambda: the same signaller as the
 * Lambda (update-with-start, follow-up batches for files a closing batch refuses), fed by long
 * polls. A message is deleted only after its files were handed to a batch that took them; one
 * that failed comes back after the visibility timeout.
 */
export async function runPollerService(options: PollerServiceOptions): Promise<{ rounds: number; received: number }> {
  const { settings, log } = options;
  const signaller = createS3EventSignaller({ client: options.client, settings, windowMs: settings.ingestEvents.windowMs, log });
  const totals = { rounds: 0, received: 0 };
  const onRound = (outcome: PollOutcome) => {
    totals.rounds++;
    totals.received += outcome.received;
    if (outcome.received > 0)
      log({ event: 'sqs-poller.round', received: outcome.received, deleted: outcome.deleted, failed: outcome.failed.length });
    for (const error of outcome.deleteErrors) log({ event: 'sqs-poller.delete-failed', error });
  };
  const common = {
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    process: (m: Parameters<typeof signaller.process>[0]) => signaller.process(m),
  };
  if (options.once) {
    onRound(await pollOnce({ ...common, waitTimeSeconds: 1, abortSignal: options.signal }));
    return totals;
  }
  await runSqsPoller({
    ...common,
    signal: options.signal,
    onRound,
    onError: (err) => log({ event: 'sqs-poller.error', error: err instanceof Error ? err.message : String(err) }),
  });
  return totals;
}

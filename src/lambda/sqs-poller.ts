import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { InboundMessage } from './handler';

/** What pollOnce hands the messages to: typically `createS3EventSignaller(...).process`. */
export type MessageProcessor = (messages: InboundMessage[]) => Promise<{ failedMessageIds: string[] }>;

export interface PollOnceOptions {
  sqs: SQSClient;
  queueUrl: string;
  process: MessageProcessor;
  /** 1..10 (SQS maximum), default 10. */
  maxMessages?: number;
  /** Long-poll wait, 0..20 s, default 20. */
  waitTimeSeconds?: number;
  /** How long a received message stays hidden; failed messages reappear after it (a natural backoff). */
  visibilityTimeoutSeconds?: number;
  abortSignal?: AbortSignal;
}

export interface PollOutcome {
  received: number;
  deleted: number;
  /** Message ids left on the queue for redelivery. */
  failed: string[];
  /** Deletes SQS refused; those messages come back and are deduplicated downstream. */
  deleteErrors: string[];
}

/**
 * One receive -> process -> delete round. A message is deleted only after its files were
 * signalled; if processing throws, nothing is deleted and every message returns after the
 * visibility timeout.
 */
export async function pollOnce(options: PollOnceOptions): Promise<PollOutcome> {
  const received = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.maxMessages ?? 10,
      WaitTimeSeconds: options.waitTimeSeconds ?? 20,
      ...(options.visibilityTimeoutSeconds !== undefined ? { VisibilityTimeout: options.visibilityTimeoutSeconds } : {}),
    }),
    { abortSignal: options.abortSignal },
  );
  const messages = (received.Messages ?? []).filter((m) => m.MessageId && m.ReceiptHandle);
  if (messages.length === 0) return { received: 0, deleted: 0, failed: [], deleteErrors: [] };

  const { failedMessageIds } = await options.process(messages.map((m) => ({ id: m.MessageId, body: m.Body ?? '' })));
  const failed = new Set(failedMessageIds);
  const done = messages.filter((m) => !failed.has(m.MessageId as string));
  const deleteErrors: string[] = [];
  for (let i = 0; i < done.length; i += 10) {
    const chunk = done.slice(i, i + 10);
    const out = await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    for (const entry of out.Failed ?? []) {
      const message = chunk[Number(entry.Id)];
      deleteErrors.push(`${message?.MessageId ?? entry.Id}: ${entry.Code ?? 'error'} ${entry.Message ?? ''}`.trim());
    }
  }
  return { received: messages.length, deleted: done.length - deleteErrors.length, failed: [...failed], deleteErrors };
}

export interface SqsPollerOptions extends Omit<PollOnceOptions, 'abortSignal'> {
  /** Stops the loop; an in-flight long poll is aborted. */
  signal: AbortSignal;
  onRound?: (outcome: PollOutcome) => void;
  onError?: (err: unknown) => void;
  /** First delay after an error, doubled up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** The long-poll loop for deployments without Lambda (a container next to the workers). */
export async function runSqsPoller(options: SqsPollerOptions): Promise<void> {
  const base = options.backoffMs ?? 1000;
  const max = options.maxBackoffMs ?? 60_000;
  let delay = base;
  while (!options.signal.aborted) {
    try {
      const outcome = await pollOnce({ ...options, abortSignal: options.signal });
      options.onRound?.(outcome);
      delay = base;
    } catch (err) {
      if (options.signal.aborted) break;
      options.onError?.(err);
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, max);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

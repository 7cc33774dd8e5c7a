import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Settings } from '../config/settings';
import { ingestFailureTypes, type IngestBatchInputV1 } from '../contracts/ingest-batch';
import { validateKey } from '../storage/object-store';
import { buildIngestOptions, ingestWorkflowId, submitFilesWithStart, type UpdateWithStartClient } from '../starters';
import { notificationId, S3NotificationDeduper } from './dedupe';
import { parseS3Notifications, type S3ObjectCreated } from './s3-event';

/** The one client call the handler makes (update-with-start); a real `Client` fits. */
export type SignalWithStartClient = UpdateWithStartClient;

export interface S3EventHandlerOptions {
  client: SignalWithStartClient;
  settings: Settings;
  /** Shared by the invocations of one warm container (or one poller process). */
  deduper?: S3NotificationDeduper;
  /** Files written within one window of this length (by S3 event time) join one batch. */
  windowMs: number;
  /**
   * Only keys under this store-relative folder start batches (default `raw/`). Everything the
   * pipeline writes itself (staged/, processed/, results/, jobs/...) must never trigger ingestion,
   * or a bucket-wide notification would loop.
   */
  acceptPrefix?: string;
  now?: () => number;
  /** One JSON object per event worth logging; Lambda sends stdout to CloudWatch Logs. */
  log?: (entry: Record<string, unknown>) => void;
}

/** One delivery: an SQS message (id = messageId) or a whole direct S3/SNS event (no id). */
export interface InboundMessage {
  id?: string;
  body: unknown;
}

export interface SignalledGroup {
  workflowId: string;
  batchId: string;
  keys: string[];
  /** True when the window's batch had stopped taking files and this group went to a follow-up batch. */
  late: boolean;
  /** Keys the batch took as new; the others it already had (redeliveries). */
  accepted: string[];
}

export interface ProcessOutcome {
  /** Messages to redeliver: some of their files could not be signalled. */
  failedMessageIds: string[];
  /** Something failed for a delivery without an id (a direct invocation): the caller must throw. */
  failedWithoutId: boolean;
  signalled: SignalledGroup[];
  skipped: Array<{ key?: string; reason: string }>;
  duplicates: number;
}

interface Group {
  folder: string;
  windowStart: number;
  keys: Set<string>;
  messageIds: Set<string>;
  noId: boolean;
  notificationIds: string[];
}

const MAX_SLUG = 72;
/** Follow-up batches tried for one group before the message is left for redelivery. */
const MAX_FOLLOW_UPS = 5;

/** The batch's submitFiles validator refused: it has stopped taking files. */
function isIntakeClosed(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && (err.cause as { type?: string } | undefined)?.type === ingestFailureTypes.intakeClosed;
}

/**
 * `<slug>-<hash>-<window start>`: readable in the UI, unique per folder (the hash covers the exact
 * folder, which the slug may have flattened) and within isValidBatchId's 128 characters.
 */
export function windowBatchId(folder: string, windowStart: number): string {
  const slug =
    folder
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MAX_SLUG)
      .replace(/-+$/, '') || 'root';
  const hash = createHash('sha256').update(folder).digest('hex').slice(0, 8);
  const stamp = new Date(windowStart)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${slug}-${hash}-${stamp}`;
}

/**
 * Turns S3 upload notifications into ingestBatch submissions: one open batch per folder and time
 * window, started or joined with update-with-start (`submitFiles`). Shared by the Lambda handler
 * and the SQS poller.
 *
 * Nothing accepted is dropped: the batch answers which files it took, and refuses (validator)
 * once it has stopped taking files, in which case the files go to a follow-up batch. Idempotency:
 * the workflow id is derived from folder + window, the workflow reports keys it already has as
 * duplicates, and the deduper skips recent redeliveries. Once a window's batch has finished, the id
 * is not reused (REJECT_DUPLICATE: a second run would overwrite the first one's results); late
 * files get a batch id derived from their own keys, so a redelivery of those lands on the same batch.
 */
export function createS3EventSignaller(options: S3EventHandlerOptions): { process(messages: InboundMessage[]): Promise<ProcessOutcome> } {
  const { client, settings, windowMs } = options;
  if (settings.store.kind !== 's3') throw new Error('the S3 event handler needs STORE=s3 (it maps bucket keys to store keys)');
  if (!Number.isInteger(windowMs) || windowMs < 1000) throw new RangeError('windowMs must be an integer >= 1000');
  const bucket = settings.store.bucket;
  const storePrefix = settings.store.prefix.replace(/^\/+|\/+$/g, '');
  const acceptPrefix = options.acceptPrefix ?? 'raw/';
  const deduper = options.deduper ?? new S3NotificationDeduper();
  const now = options.now ?? Date.now;
  const log = options.log ?? ((entry) => process.stdout.write(`${JSON.stringify(entry)}\n`));
  // Admitted by the deduper but not signalled yet: their redelivery must not be dropped as a
  // duplicate. Entries leave on success; the set only grows while Temporal is unreachable.
  const awaitingRetry = new Set<string>();

  function storeKey(record: S3ObjectCreated): { key: string } | { reason: string } {
    if (record.bucket !== bucket) return { reason: `bucket ${record.bucket} is not the store's bucket ${bucket}` };
    let key = record.key;
    if (storePrefix) {
      if (!key.startsWith(`${storePrefix}/`)) return { reason: `outside the store prefix ${storePrefix}/` };
      key = key.slice(storePrefix.length + 1);
    }
    try {
      validateKey(key);
    } catch (err) {
      return { reason: (err as Error).message };
    }
    if (!key.startsWith(acceptPrefix)) return { reason: `not under ${acceptPrefix} (the pipeline's own objects never start batches)` };
    return { key };
  }

  /**
   * Hands a group's files to a batch that takes them: the window's batch, else (it stopped taking
   * files, or has finished) its follow-ups `<window batch>-late-<hash of the keys>[-n]`. Each try
   * is one update-with-start: the batch answers which files it took, or its validator refuses, so a
   * file is either in a batch that will process it or tried on the next one, never dropped.
   */
  async function signal(group: Group): Promise<SignalledGroup> {
    const base = windowBatchId(group.folder, group.windowStart);
    const keys = [...group.keys].sort();
    const late = `${base}-late-${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 8)}`;
    const candidates = [base, late, ...Array.from({ length: MAX_FOLLOW_UPS - 1 }, (_, i) => `${late}-${i + 2}`)];
    for (const [i, batchId] of candidates.entries()) {
      try {
        return await submit(batchId, keys, i > 0);
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError && batchId === late) {
          // This exact set of late files already got a batch of its own, which took them at its
          // start and has finished: a redelivery, nothing to do.
          log({ event: 's3-event.already-ingested', batchId, keys: keys.length });
          return { workflowId: ingestWorkflowId(batchId), batchId, keys, late: true, accepted: [] };
        }
        if (err instanceof WorkflowExecutionAlreadyStartedError || isIntakeClosed(err)) {
          log({ event: 's3-event.batch-closed', batchId, next: candidates[i + 1] ?? null });
          continue;
        }
        throw err;
      }
    }
    throw new Error(`no batch took ${keys.length} file(s) of ${group.folder}: ${candidates.length} batches in a row had closed`);
  }

  async function submit(batchId: string, keys: string[], late: boolean): Promise<SignalledGroup> {
    const input: IngestBatchInputV1 = {
      version: 1,
      batchId,
      modelName: settings.pipeline.modelName,
      // Files arrive through the update, the same way for the first and every later one.
      sources: [],
      // Only the window is the Lambda's: sizes, placement and retries are the workers' deployment.
      options: buildIngestOptions({ windowMs }),
    };
    const result = await submitFilesWithStart(
      client,
      settings.temporal.taskQueue,
      input,
      { sources: keys.map((key) => ({ key })) },
      {
        trigger: 's3-event',
        late,
      },
    );
    return { workflowId: ingestWorkflowId(batchId), batchId, keys, late, accepted: result.accepted };
  }

  return {
    async process(messages: InboundMessage[]): Promise<ProcessOutcome> {
      const outcome: ProcessOutcome = { failedMessageIds: [], failedWithoutId: false, signalled: [], skipped: [], duplicates: 0 };
      const groups = new Map<string, Group>();
      for (const message of messages) {
        const parsed = parseS3Notifications(message.body);
        for (const ignored of parsed.ignored) outcome.skipped.push({ reason: ignored.reason });
        for (const record of parsed.records) {
          const mapped = storeKey(record);
          if ('reason' in mapped) {
            outcome.skipped.push({ key: record.key, reason: mapped.reason });
            continue;
          }
          const id = notificationId(record);
          if (!awaitingRetry.has(id) && !deduper.admit(record)) {
            outcome.duplicates++;
            continue;
          }
          const slash = mapped.key.lastIndexOf('/');
          const folder = slash >= 0 ? mapped.key.slice(0, slash) : '';
          const time = Date.parse(record.eventTime);
          const windowStart = Math.floor((Number.isNaN(time) ? now() : time) / windowMs) * windowMs;
          const groupKey = JSON.stringify([folder, windowStart]);
          let group = groups.get(groupKey);
          if (!group) {
            group = { folder, windowStart, keys: new Set(), messageIds: new Set(), noId: false, notificationIds: [] };
            groups.set(groupKey, group);
          }
          group.keys.add(mapped.key);
          if (message.id !== undefined) group.messageIds.add(message.id);
          else group.noId = true;
          group.notificationIds.push(id);
        }
      }

      const failed = new Set<string>();
      for (const group of groups.values()) {
        try {
          const done = await signal(group);
          outcome.signalled.push(done);
          for (const id of group.notificationIds) awaitingRetry.delete(id);
          log({ event: 's3-event.signalled', workflowId: done.workflowId, files: done.keys.length, late: done.late });
        } catch (err) {
          for (const id of group.notificationIds) awaitingRetry.add(id);
          for (const id of group.messageIds) failed.add(id);
          if (group.noId) outcome.failedWithoutId = true;
          log({ event: 's3-event.signal-failed', folder: group.folder, files: group.keys.size, error: (err as Error).message });
        }
      }
      for (const skip of outcome.skipped)
        if (skip.key !== undefined) log({ event: 's3-event.skipped', key: skip.key, reason: skip.reason });
      outcome.failedMessageIds = [...failed];
      return outcome;
    },
  };
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

function sqsRecords(event: unknown): Array<{ messageId: string; body: string }> | undefined {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records) || records.length === 0) return undefined;
  if (!records.every((r) => (r as { eventSource?: unknown })?.eventSource === 'aws:sqs')) return undefined;
  return records as Array<{ messageId: string; body: string }>;
}

/**
 * The Lambda handler. From an SQS event source it answers with a partial batch response
 * (enable ReportBatchItemFailures), so only messages whose files could not be signalled come back.
 * Invoked directly by S3 or SNS, it throws on failure and Lambda's async retry runs it again.
 */
export function createS3EventHandler(options: S3EventHandlerOptions): (event: unknown) => Promise<SqsBatchResponse> {
  const signaller = createS3EventSignaller(options);
  return async (event: unknown): Promise<SqsBatchResponse> => {
    const records = sqsRecords(event);
    const messages: InboundMessage[] = records ? records.map((r) => ({ id: r.messageId, body: r.body })) : [{ body: event }];
    const outcome = await signaller.process(messages);
    if (outcome.failedWithoutId) throw new Error('some uploaded files could not be signalled to Temporal; retrying the event');
    return { batchItemFailures: outcome.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

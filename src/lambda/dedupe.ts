import type { S3ObjectCreated } from './s3-event';

/**
 * Remembers recently seen S3 notifications so a warm Lambda (or a long-running poller) does not
 * start the same batch twice when SQS/SNS redeliver a message. Bounded: the least recently seen
 * entry is forgotten first. This is a cheap first line, not a guarantee: a cold start forgets
 * everything, so the workflow id derived from the same identity must still be idempotent.
 */
export class S3NotificationDeduper {
  /** Map iteration order is insertion order, which makes it an LRU with delete + set on every hit. */
  private readonly seen = new Map<string, true>();

  constructor(readonly capacity: number = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('S3NotificationDeduper: capacity must be a positive integer');
  }

  /** True the first time a notification is offered, false for every repeat still remembered. */
  admit(record: Pick<S3ObjectCreated, 'bucket' | 'key' | 'sequencer' | 'eTag' | 'eventTime'>): boolean {
    const id = notificationId(record);
    if (this.seen.has(id)) {
      this.seen.delete(id);
      this.seen.set(id, true);
      return false;
    }
    this.seen.set(id, true);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  /** Keeps the first occurrence of each notification, in order. */
  filter<T extends Pick<S3ObjectCreated, 'bucket' | 'key' | 'sequencer' | 'eTag' | 'eventTime'>>(records: T[]): T[] {
    return records.filter((record) => this.admit(record));
  }

  get size(): number {
    return this.seen.size;
  }
}

/**
 * bucket + key + sequencer identifies one write of one object. Without a sequencer (emulators),
 * the etag and event time of the notification stand in: a redelivery repeats both, a new write of
 * the same key changes at least the time.
 */
export function notificationId(record: Pick<S3ObjectCreated, 'bucket' | 'key' | 'sequencer' | 'eTag' | 'eventTime'>): string {
  const version = record.sequencer || `etag:${record.eTag ?? ''}@${record.eventTime}`;
  // JSON keeps the parts apart whatever characters the key holds.
  return JSON.stringify([record.bucket, record.key, version]);
}

import assert from 'node:assert/strict';
import { notificationId, S3NotificationDeduper } from '../../../src/lambda/dedupe';
import { parseS3Notifications } from '../../../src/lambda/s3-event';
import { s3Event, s3Record, sqsEvent } from './fixtures';

const rec = (key: string, sequencer = '0055AED6DCD90281E5') => ({
  bucket: 'b',
  key,
  sequencer,
  eTag: 'e',
  eventTime: '2024-05-14T09:31:12.456Z',
});

describe('S3NotificationDeduper', () => {
  it('admits a notification once and drops its redeliveries', () => {
    const dedupe = new S3NotificationDeduper(10);
    const body = JSON.stringify(s3Event());
    // SQS is at-least-once: the same message can arrive in two invocations.
    const first = parseS3Notifications(sqsEvent(body)).records;
    const again = parseS3Notifications(sqsEvent(body)).records;
    assert.equal(dedupe.filter(first).length, 1);
    assert.equal(dedupe.filter(again).length, 0);
  });

  it('treats a new write of the same key (new sequencer) as new', () => {
    const dedupe = new S3NotificationDeduper(10);
    assert.equal(dedupe.admit(rec('k', '0A')), true);
    assert.equal(dedupe.admit(rec('k', '0B')), true);
    assert.equal(dedupe.admit(rec('k', '0A')), false);
    assert.equal(dedupe.admit({ ...rec('k', '0A'), bucket: 'other' }), true);
  });

  it('forgets the least recently seen entry first', () => {
    const dedupe = new S3NotificationDeduper(2);
    dedupe.admit(rec('a'));
    dedupe.admit(rec('b'));
    assert.equal(dedupe.admit(rec('a')), false); // refreshes a
    dedupe.admit(rec('c')); // evicts b
    assert.equal(dedupe.size, 2);
    assert.equal(dedupe.admit(rec('a')), false);
    assert.equal(dedupe.admit(rec('b')), true);
  });

  it('falls back to etag and event time when there is no sequencer', () => {
    const dedupe = new S3NotificationDeduper();
    const noSeq = { ...rec('k', ''), eventTime: 't1' };
    assert.equal(dedupe.admit(noSeq), true);
    assert.equal(dedupe.admit({ ...noSeq }), false);
    assert.equal(dedupe.admit({ ...noSeq, eventTime: 't2' }), true);
  });

  it('keeps identities of awkward keys apart', () => {
    assert.notEqual(notificationId(rec('a","b')), notificationId({ ...rec('a'), bucket: 'b","a' }));
    const dedupe = new S3NotificationDeduper();
    const records = parseS3Notifications(s3Event(s3Record({ key: 'x+y' }), s3Record({ key: 'x%2By' }))).records;
    assert.equal(dedupe.filter(records).length, 2);
  });

  it('rejects a useless capacity', () => {
    assert.throws(() => new S3NotificationDeduper(0), RangeError);
  });
});

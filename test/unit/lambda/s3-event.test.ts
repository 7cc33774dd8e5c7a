import assert from 'node:assert/strict';
import { decodeS3Key, parseS3Notifications } from '../../../src/lambda/s3-event';
import { BUCKET, DECODED_KEY, s3Event, s3Record, s3TestEvent, snsEnvelope, snsLambdaEvent, sqsEvent } from './fixtures';

const expected = {
  bucket: BUCKET,
  key: DECODED_KEY,
  size: 1024,
  eTag: 'd41d8cd98f00b204e9800998ecf8427e',
  sequencer: '0055AED6DCD90281E5',
  eventName: 'ObjectCreated:Put',
  eventTime: '2024-05-14T09:31:12.456Z',
};

describe('parseS3Notifications', () => {
  it('reads a direct S3 event notification', () => {
    assert.deepEqual(parseS3Notifications(s3Event()), { records: [expected], ignored: [] });
  });

  it('accepts the same event as a JSON string', () => {
    assert.deepEqual(parseS3Notifications(JSON.stringify(s3Event())).records, [expected]);
  });

  it('decodes keys form-style: + is a space, %2B a plus, UTF-8 percent escapes', () => {
    assert.equal(decodeS3Key('a+b%2Bc/%E2%9C%93+%F0%9F%98%80'), 'a b+c/✓ 😀');
    // Decoding twice would turn the %2B's plus into a space; the order matters.
    assert.equal(decodeS3Key('x%2B%2B'), 'x++');
    assert.equal(decodeS3Key('100%25+done'), '100% done');
  });

  it('ignores the s3:TestEvent sent when notifications are configured', () => {
    const parsed = parseS3Notifications(s3TestEvent);
    assert.deepEqual(parsed.records, []);
    assert.equal(parsed.ignored.length, 1);
    assert.match(parsed.ignored[0]?.reason ?? '', /s3:TestEvent/);
  });

  it('reads S3 events carried in SQS message bodies (Lambda SQS event), skipping the test event', () => {
    const parsed = parseS3Notifications(sqsEvent(JSON.stringify(s3TestEvent), JSON.stringify(s3Event())));
    assert.deepEqual(parsed.records, [expected]);
    assert.equal(parsed.ignored.length, 1);
  });

  it('reads S3 events inside SNS envelopes, direct or delivered through SQS', () => {
    const envelope = snsEnvelope(JSON.stringify(s3Event()));
    assert.deepEqual(parseS3Notifications(envelope).records, [expected]);
    assert.deepEqual(parseS3Notifications(sqsEvent(JSON.stringify(envelope))).records, [expected]);
    assert.deepEqual(parseS3Notifications(snsLambdaEvent(JSON.stringify(s3Event()))).records, [expected]);
    // A test event fanned out through SNS is still a test event.
    const viaSns = parseS3Notifications(sqsEvent(JSON.stringify(snsEnvelope(JSON.stringify(s3TestEvent)))));
    assert.deepEqual(viaSns.records, []);
    assert.match(viaSns.ignored[0]?.reason ?? '', /s3:TestEvent/);
  });

  it('ignores SNS subscription confirmations', () => {
    const parsed = parseS3Notifications(snsEnvelope('You have chosen to subscribe...', 'SubscriptionConfirmation'));
    assert.deepEqual(parsed.records, []);
    assert.match(parsed.ignored[0]?.reason ?? '', /SubscriptionConfirmation/);
  });

  it('reads SDK ReceiveMessage output and single SDK messages', () => {
    const body = JSON.stringify(s3Event());
    assert.deepEqual(parseS3Notifications({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'r', Body: body }] }).records, [expected]);
    assert.deepEqual(parseS3Notifications({ MessageId: 'm1', Body: body }).records, [expected]);
  });

  it('keeps every ObjectCreated flavour and ignores other events with a reason', () => {
    const parsed = parseS3Notifications(
      s3Event(
        s3Record({ eventName: 'ObjectCreated:CompleteMultipartUpload', key: 'big/part+1.jsonl', size: 52_428_800, sequencer: '0A1' }),
        s3Record({ eventName: 'ObjectRemoved:Delete', key: 'old.jsonl' }),
        s3Record({ eventName: 'ObjectCreated:Copy', key: 'copied.jsonl', size: 0 }),
        s3Record({ eventName: 'ObjectTagging:Put', key: 'tagged.jsonl' }),
      ),
    );
    assert.deepEqual(
      parsed.records.map((r) => [r.eventName, r.key, r.size]),
      [
        ['ObjectCreated:CompleteMultipartUpload', 'big/part 1.jsonl', 52_428_800],
        ['ObjectCreated:Copy', 'copied.jsonl', 0],
      ],
    );
    assert.deepEqual(
      parsed.ignored.map((i) => i.reason),
      ['ObjectRemoved:Delete is not an ObjectCreated event', 'ObjectTagging:Put is not an ObjectCreated event'],
    );
  });

  it('reports malformed input instead of throwing', () => {
    const parsed = parseS3Notifications(
      sqsEvent('not json at all', JSON.stringify({ hello: 'world' }), JSON.stringify(s3Event(s3Record({ key: 'bad%E0%A4%A' })))),
    );
    assert.deepEqual(parsed.records, []);
    assert.equal(parsed.ignored.length, 3);
    assert.match(parsed.ignored[0]?.reason ?? '', /not JSON/);
    assert.match(parsed.ignored[1]?.reason ?? '', /unrecognised/);
    assert.match(parsed.ignored[2]?.reason ?? '', /malformed URL-encoded key/);
    assert.deepEqual(parseS3Notifications(null).records, []);
    assert.deepEqual(parseS3Notifications(42).ignored.length, 1);
  });

  it('tolerates a missing sequencer and eTag (emulators) but not a missing size', () => {
    const record = s3Record();
    const object = (record.s3 as { object: Record<string, unknown> }).object;
    delete object.sequencer;
    delete object.eTag;
    const parsed = parseS3Notifications(s3Event(record));
    assert.equal(parsed.records[0]?.sequencer, '');
    assert.equal('eTag' in (parsed.records[0] ?? {}), false);

    delete object.size;
    const noSize = parseS3Notifications(s3Event(record));
    assert.deepEqual(noSize.records, []);
    assert.match(noSize.ignored[0]?.reason ?? '', /without a valid size/);
  });

  it('stops at absurd nesting depth', () => {
    let body: string = JSON.stringify(s3Event());
    for (let i = 0; i < 12; i++) body = JSON.stringify({ Body: body });
    const parsed = parseS3Notifications(body);
    assert.deepEqual(parsed.records, []);
    assert.match(parsed.ignored[0]?.reason ?? '', /nested too deeply/);
  });
});

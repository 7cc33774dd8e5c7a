import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { createS3Client, createSnsClient, createSqsClient } from '../../src/aws/clients';
import { S3NotificationDeduper } from '../../src/lambda/dedupe';
import { parseS3Notifications } from '../../src/lambda/s3-event';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { MotoServer, startMoto } from '../helpers/moto';

/** A key that S3 has to URL-encode in its notification: spaces, a plus, accents, a symbol. */
const AWKWARD_KEY = 'incoming/2024 05/café ✓ résumé+1.jsonl';

describe('S3 upload notifications over the wire (moto)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let sqs: SQSClient;
  let sns: SNSClient;

  before(async () => {
    moto = await startMoto();
    s3 = createS3Client(moto.settings);
    sqs = createSqsClient(moto.settings);
    sns = createSnsClient(moto.settings);
  });
  after(async () => {
    s3?.destroy();
    sqs?.destroy();
    sns?.destroy();
    await moto?.stop();
  });

  async function queue(name: string): Promise<{ url: string; arn: string }> {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
    return { url, arn };
  }

  it('S3 -> SQS: ignores the test event and returns the exact key of the uploaded object', async () => {
    const bucket = 'input-direct';
    const q = await queue('input-direct-events');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: { QueueConfigurations: [{ QueueArn: q.arn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    const written = await new S3ObjectStore({ client: s3, bucket }).put(AWKWARD_KEY, '{"text":"hola"}\n');

    const messages = await receive(sqs, q.url, 2);
    assert.equal(messages.length, 2, 'a test event, then the upload');
    const parsed = messages.map((m) => parseS3Notifications(m.Body));
    // Standard queues do not promise order, so find the test event rather than assume it is first.
    const testEvents = parsed.filter((p) => p.records.length === 0);
    assert.equal(testEvents.length, 1);
    assert.match(testEvents[0]?.ignored[0]?.reason ?? '', /s3:TestEvent/);

    const records = parsed.flatMap((p) => p.records);
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record?.bucket, bucket);
    assert.equal(record?.key, AWKWARD_KEY);
    assert.equal(record?.size, Buffer.byteLength('{"text":"hola"}\n'));
    assert.equal(record?.eTag, written.etag);
    assert.match(record?.eventName ?? '', /^ObjectCreated:/);

    // A redelivery of the same message is recognised as such.
    const dedupe = new S3NotificationDeduper();
    assert.equal(dedupe.filter(records).length, 1);
    const uploadMessage = messages.find((m) => parseS3Notifications(m.Body).records.length === 1);
    assert.equal(dedupe.filter(parseS3Notifications(uploadMessage?.Body).records).length, 0);
  });

  it('S3 -> SNS -> SQS: unwraps the SNS envelope', async () => {
    const bucket = 'input-fanout';
    const q = await queue('input-fanout-events');
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'input-fanout' }))).TopicArn ?? '';
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: { TopicConfigurations: [{ TopicArn: topicArn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    await new S3ObjectStore({ client: s3, bucket }).put(AWKWARD_KEY, 'x');

    const messages = await receive(sqs, q.url, 2);
    const parsed = parseS3Notifications({ Messages: messages });
    assert.deepEqual(
      parsed.records.map((r) => [r.bucket, r.key]),
      [[bucket, AWKWARD_KEY]],
    );
    assert.ok(parsed.ignored.every((i) => /s3:TestEvent/.test(i.reason)));
  });
});

async function receive(sqs: SQSClient, queueUrl: string, count: number): Promise<Message[]> {
  const out: Message[] = [];
  const deadline = Date.now() + 10_000;
  while (out.length < count && Date.now() < deadline) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }),
    );
    out.push(...(res.Messages ?? []));
    if (!res.Messages?.length) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return out;
}

import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { createSnsClient, createSqsClient } from '../../src/aws/clients';
import { Notification } from '../../src/notify/notifier';
import { messageAttributes, messageBody, SnsNotifier, snsSubject } from '../../src/notify/sns-notifier';
import { MotoServer, startMoto } from '../helpers/moto';

const completed: Notification = {
  event: 'batch.completed',
  subject: 'Batch “café-2024-05” completed ✓',
  message: 'Scored 12,345 documents in 3m12s.\nReport: s3://reports/café-2024-05/summary.json',
  severity: 'info',
  attributes: { batchId: 'café-2024-05', status: 'COMPLETED', documents: 12345, positiveShare: 0.6125 },
};

describe('SnsNotifier', () => {
  describe('formatting', () => {
    it('folds subjects to printable ASCII within 100 characters', () => {
      assert.equal(snsSubject(completed.subject, completed.event), 'Batch "cafe-2024-05" completed');
      assert.equal(snsSubject('Drift – 3 shards… ‘warn’', 'x'), "Drift - 3 shards... 'warn'");
      assert.equal(snsSubject('line one\nline two\ttab', 'x'), 'line one line two tab');
      const long = snsSubject('Model promoted: '.padEnd(300, 'x'), 'model.promoted');
      assert.equal(long.length, 100);
      assert.ok(long.endsWith('...'));
      assert.equal(snsSubject('数据批次完成', 'batch.completed'), 'nlp-batch: batch.completed');
    });

    it('puts the text first and every attribute in a JSON block', () => {
      const body = messageBody(completed);
      assert.ok(body.startsWith(completed.message));
      const block = JSON.parse(body.slice(body.indexOf('\n\n{') + 2));
      assert.deepEqual(block, { event: 'batch.completed', severity: 'info', attributes: completed.attributes });
    });

    it('truncates an oversized text, never the JSON block', () => {
      const body = messageBody({ ...completed, message: 'é'.repeat(200_000) }, 256 * 1024);
      assert.ok(Buffer.byteLength(body) <= 256 * 1024);
      assert.match(body, /\[truncated\]\n\n\{/);
      assert.ok(!body.includes('\ufffd'));
    });

    it('types attributes, sanitises names and caps the count (event and severity first)', () => {
      const attrs = messageAttributes(
        {
          ...completed,
          attributes: {
            'model version': 'v3',
            'AWS.reserved': 'x',
            empty: '',
            nan: Number.NaN,
            huge: 1e21,
            event: 'spoofed',
            ratio: 0.25,
          },
        },
        10,
      );
      assert.deepEqual(attrs, {
        event: { DataType: 'String', StringValue: 'batch.completed' },
        severity: { DataType: 'String', StringValue: 'info' },
        model_version: { DataType: 'String', StringValue: 'v3' },
        'x_AWS.reserved': { DataType: 'String', StringValue: 'x' },
        nan: { DataType: 'String', StringValue: 'NaN' },
        huge: { DataType: 'String', StringValue: '1e+21' },
        ratio: { DataType: 'Number', StringValue: '0.25' },
      });
      const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`a${i}`, i]));
      assert.equal(Object.keys(messageAttributes({ ...completed, attributes: many }, 10)).length, 10);
    });
  });

  describe('over the wire (moto SNS -> SQS)', () => {
    let moto: MotoServer;
    let sns: SNSClient;
    let sqs: SQSClient;
    let topicArn: string;
    const queues: Record<'raw' | 'enveloped' | 'errorsOnly' | 'bigBatches', string> = {
      raw: '',
      enveloped: '',
      errorsOnly: '',
      bigBatches: '',
    };

    before(async () => {
      moto = await startMoto();
      sns = createSnsClient(moto.settings);
      sqs = createSqsClient(moto.settings);
      topicArn = (await sns.send(new CreateTopicCommand({ Name: 'pipeline-alerts' }))).TopicArn ?? '';
      const subscribe = async (name: keyof typeof queues, attributes: Record<string, string>): Promise<void> => {
        const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
        const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
        await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn, Attributes: attributes }));
        queues[name] = url;
      };
      await subscribe('raw', { RawMessageDelivery: 'true' });
      await subscribe('enveloped', {});
      // The point of the message attributes: subscribers filter without reading bodies.
      await subscribe('errorsOnly', { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ severity: ['error'] }) });
      await subscribe('bigBatches', {
        RawMessageDelivery: 'true',
        FilterPolicy: JSON.stringify({ event: ['batch.completed'], documents: [{ numeric: ['>=', 10000] }] }),
      });
    });
    after(async () => {
      sns?.destroy();
      sqs?.destroy();
      await moto?.stop();
    });

    it('delivers subject, body and typed attributes; filters route by severity and numbers', async () => {
      const notifier = new SnsNotifier({ client: sns, topicArn });
      await notifier.publish(completed);
      await notifier.publish({
        event: 'batch.failed',
        subject: 'Batch b-17 failed',
        message: 'Shard 3 failed after 5 attempts.',
        severity: 'error',
        attributes: { batchId: 'b-17', failedShards: 1 },
      });
      await notifier.publish({ ...completed, attributes: { ...completed.attributes, documents: 12 } });

      const raw = await receive(sqs, queues.raw, 3);
      assert.equal(raw.length, 3);
      const first = raw.find((m) => m.MessageAttributes?.batchId?.StringValue === 'café-2024-05' && m.Body?.includes('12345'));
      assert.ok(first, 'the completed notification arrives on the raw queue');
      assert.equal(first.Body, messageBody(completed));
      assert.deepEqual(simplify(first), {
        event: ['String', 'batch.completed'],
        severity: ['String', 'info'],
        batchId: ['String', 'café-2024-05'],
        status: ['String', 'COMPLETED'],
        documents: ['Number', '12345'],
        positiveShare: ['Number', '0.6125'],
      });

      // Raw delivery strips the SNS envelope, subject included; the enveloped queue shows it.
      const enveloped = await receive(sqs, queues.enveloped, 3);
      const envelopes = enveloped.map(
        (m) =>
          JSON.parse(m.Body ?? '{}') as {
            Subject?: string;
            Message?: string;
            MessageAttributes?: Record<string, { Type: string; Value: string }>;
          },
      );
      const env = envelopes.find((e) => e.Message === messageBody(completed));
      assert.ok(env);
      assert.equal(env.Subject, 'Batch "cafe-2024-05" completed');
      assert.deepEqual(env.MessageAttributes?.documents, { Type: 'Number', Value: '12345' });

      const errors = await receive(sqs, queues.errorsOnly, 1);
      assert.deepEqual(
        errors.map((m) => m.MessageAttributes?.event?.StringValue),
        ['batch.failed'],
      );

      const big = await receive(sqs, queues.bigBatches, 1);
      assert.deepEqual(
        big.map((m) => m.MessageAttributes?.documents?.StringValue),
        ['12345'],
      );
    });

    it('sends at most 10 attributes by default so raw SQS delivery keeps the message', async () => {
      const attributes = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]));
      await new SnsNotifier({ client: sns, topicArn }).publish({ ...completed, severity: 'warning', attributes });
      const [message] = await receive(sqs, queues.raw, 1);
      assert.ok(message);
      assert.equal(Object.keys(message.MessageAttributes ?? {}).length, 10);
      assert.deepEqual(JSON.parse((message.Body ?? '').slice((message.Body ?? '').indexOf('\n\n{') + 2)).attributes, attributes);
    });
  });
});

/** Receives until `count` messages arrived (or 10 s passed), deleting nothing: queues are per test file. */
async function receive(sqs: SQSClient, queueUrl: string, count: number): Promise<Message[]> {
  const out: Message[] = [];
  const deadline = Date.now() + 10_000;
  while (out.length < count && Date.now() < deadline) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 0,
        // Long enough that a message is not received twice within the test.
        VisibilityTimeout: 60,
      }),
    );
    out.push(...(res.Messages ?? []));
    if (!res.Messages?.length) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // One more look: a filter that wrongly lets extra messages through must fail the test.
  const extra = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return [...out, ...(extra.Messages ?? [])];
}

function simplify(message: Message): Record<string, [string, string]> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, [value.DataType ?? '', value.StringValue ?? '']]),
  );
}

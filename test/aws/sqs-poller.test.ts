import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { createS3Client, createSqsClient } from '../../src/aws/clients';
import type { InboundMessage } from '../../src/lambda/handler';
import { parseS3Notifications } from '../../src/lambda/s3-event';
import { pollOnce, runSqsPoller, type PollOutcome } from '../../src/lambda/sqs-poller';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { MotoServer, startMoto } from '../helpers/moto';

describe('SQS poller over the wire (moto S3 -> SQS)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let sqs: SQSClient;
  let queueUrl: string;
  let store: S3ObjectStore;

  before(async () => {
    moto = await startMoto();
    s3 = createS3Client(moto.settings);
    sqs = createSqsClient(moto.settings);
  });
  after(async () => {
    s3?.destroy();
    sqs?.destroy();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'uploads' }))).QueueUrl ?? '';
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'uploads',
        NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
    store = new S3ObjectStore({ client: s3, bucket: 'uploads' });
  });

  /** A signaller double: remembers keys, fails the messages that carry a key containing "fail". */
  function fakeSignaller(): { process: (m: InboundMessage[]) => Promise<{ failedMessageIds: string[] }>; keys: string[]; batches: number } {
    const state = { keys: [] as string[], batches: 0 };
    return Object.assign(state, {
      async process(messages: InboundMessage[]) {
        state.batches++;
        const failedMessageIds: string[] = [];
        for (const message of messages) {
          const keys = parseS3Notifications(message.body).records.map((r) => r.key);
          if (keys.some((k) => k.includes('fail'))) failedMessageIds.push(message.id as string);
          else state.keys.push(...keys);
        }
        return { failedMessageIds };
      },
    });
  }

  async function pollUntilQuiet(options: Parameters<typeof pollOnce>[0]): Promise<PollOutcome[]> {
    const rounds: PollOutcome[] = [];
    for (let i = 0; i < 20; i++) {
      const outcome = await pollOnce(options);
      rounds.push(outcome);
      if (outcome.received === 0) break;
    }
    return rounds;
  }

  it('deletes a message only after it was processed; a failed one comes back', async () => {
    await store.put('raw/a/ok-1.csv', 'x');
    await store.put('raw/a/fail-1.csv', 'x');
    await store.put('raw/a/ok-2.csv', 'x');
    const signaller = fakeSignaller();
    const options = { sqs, queueUrl, process: signaller.process, waitTimeSeconds: 0, visibilityTimeoutSeconds: 1 };
    const rounds = await pollUntilQuiet(options);
    const total = rounds.reduce((n, r) => n + r.received, 0);
    assert.equal(total, 4, 'the test event and three uploads');
    assert.deepEqual(signaller.keys.sort(), ['raw/a/ok-1.csv', 'raw/a/ok-2.csv']);
    assert.deepEqual(
      rounds.flatMap((r) => r.deleteErrors),
      [],
    );
    assert.equal(rounds.flatMap((r) => r.failed).length, 1);

    // The failed message is invisible for the visibility timeout, then delivered again.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const again = await pollOnce(options);
    assert.equal(again.received, 1);
    assert.equal(again.deleted, 0);
    assert.equal(again.failed.length, 1);
  });

  it('deletes nothing when processing throws', async () => {
    await store.put('raw/a/x.csv', 'x');
    const options = {
      sqs,
      queueUrl,
      waitTimeSeconds: 0,
      visibilityTimeoutSeconds: 1,
      process: async () => {
        throw new Error('temporal unreachable');
      },
    };
    await assert.rejects(pollOnce(options), /temporal unreachable/);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const rounds = await pollUntilQuiet({ ...options, process: fakeSignaller().process });
    assert.equal(
      rounds.reduce((n, r) => n + r.deleted, 0),
      2,
      'the test event and the upload were still there',
    );
  });

  it('runs as a loop until aborted, backing off after errors', async () => {
    await store.put('raw/loop/1.csv', 'x');
    const signaller = fakeSignaller();
    const controller = new AbortController();
    const errors: unknown[] = [];
    let calls = 0;
    const loop = runSqsPoller({
      sqs,
      queueUrl,
      waitTimeSeconds: 1,
      // The failed first round's messages must come back within the test.
      visibilityTimeoutSeconds: 1,
      signal: controller.signal,
      backoffMs: 50,
      onError: (err) => errors.push(err),
      process: async (messages) => {
        if (++calls === 1) throw new Error('first round fails');
        return signaller.process(messages);
      },
      onRound: () => {
        if (signaller.keys.length > 0) controller.abort();
      },
    });
    const timer = setTimeout(() => controller.abort(), 15_000);
    await loop;
    clearTimeout(timer);
    assert.equal(errors.length, 1);
    assert.deepEqual(signaller.keys, ['raw/loop/1.csv']);
  });
});

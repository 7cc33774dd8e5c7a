import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createS3Client, createSqsClient } from '../../src/aws/clients';
import { loadSettings } from '../../src/config/settings';
import type { AddFilesSignalV1, IngestBatchInputV1 } from '../../src/contracts/ingest-batch';
import { searchAttributes } from '../../src/contracts/search-attributes';
import { createS3EventSignaller, windowBatchId, type ProcessOutcome } from '../../src/lambda/handler';
import { pollOnce } from '../../src/lambda/sqs-poller';
import { S3ObjectStore } from '../../src/storage/s3-object-store';
import { MotoServer, startMoto } from '../helpers/moto';
import { decodePayload } from '../helpers/codec';
import { devServerEnv } from '../helpers/temporal-env';

const WINDOW = 60 * 60_000;

/**
 * Upload -> S3 notification -> SQS -> pollOnce -> signal-with-start on a real Temporal dev server.
 * No worker polls the task queue: the point is what reaches the server (ids, input, signals,
 * reuse policy), not the workflow run, which test/workflows covers.
 */
describe('S3 upload to ingestBatch signal over the wire (moto + Temporal dev server)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let sqs: SQSClient;
  let client: Client;
  let queueUrl: string;
  const started: string[] = [];
  const settings = () =>
    loadSettings({
      STORE: 's3',
      S3_BUCKET: 'landing',
      S3_PREFIX: 'nlp',
      TEMPORAL_TASK_QUEUE: `s3-events-${randomUUID()}`,
      MODEL_NAME: 'reviews',
    });

  before(async function () {
    this.timeout(60_000);
    moto = await startMoto();
    s3 = createS3Client(moto.settings);
    sqs = createSqsClient(moto.settings);
    client = (await devServerEnv()).client;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'landing-events' }))).QueueUrl ?? '';
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await s3.send(new CreateBucketCommand({ Bucket: 'landing' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'landing',
        NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
  });
  after(async () => {
    for (const workflowId of started)
      await client?.workflow
        .getHandle(workflowId)
        .terminate('test cleanup')
        .catch(() => undefined);
    s3?.destroy();
    sqs?.destroy();
    await moto?.stop();
  });

  async function deliver(signaller: ReturnType<typeof createS3EventSignaller>): Promise<ProcessOutcome[]> {
    const outcomes: ProcessOutcome[] = [];
    for (let i = 0; i < 10; i++) {
      let outcome: ProcessOutcome | undefined;
      const round = await pollOnce({
        sqs,
        queueUrl,
        waitTimeSeconds: 0,
        process: async (messages) => (outcome = await signaller.process(messages)),
      });
      if (outcome) outcomes.push(outcome);
      if (round.received === 0) break;
    }
    for (const o of outcomes) for (const s of o.signalled) started.push(s.workflowId);
    return outcomes;
  }

  async function signalsOf(workflowId: string): Promise<AddFilesSignalV1[]> {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const signals = (history.events ?? [])
      .map((e) => e.workflowExecutionSignaledEventAttributes)
      .filter((a) => a?.signalName === 'addFiles');
    return Promise.all(signals.map((a) => decodePayload<AddFilesSignalV1>(a?.input?.payloads?.[0])));
  }

  it('starts one batch per folder and window, adds later files to it, and gives files after its end a batch of their own', async function () {
    this.timeout(60_000);
    const config = settings();
    const signaller = createS3EventSignaller({ client, settings: config, windowMs: WINDOW, log: () => undefined });
    const store = new S3ObjectStore({ client: s3, bucket: 'landing', prefix: 'nlp' });

    await store.put('raw/reviews/2024/a.csv', 'id,text\n1,hello\n');
    const first = (await deliver(signaller)).flatMap((o) => o.signalled);
    assert.equal(first.length, 1);
    const { workflowId, batchId } = first[0];
    assert.match(batchId, /^raw-reviews-2024-[0-9a-f]{8}-\d{8}T\d{6}Z$/);

    const handle = client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    assert.equal(description.status.name, 'RUNNING');
    assert.equal(description.taskQueue, config.temporal.taskQueue);
    assert.equal(description.typedSearchAttributes.get(searchAttributes.batchId), batchId);
    const history = await handle.fetchHistory();
    const input = await decodePayload<IngestBatchInputV1>(
      history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0],
    );
    assert.deepEqual(
      { batchId: input.batchId, modelName: input.modelName, sources: input.sources, windowMs: input.options.windowMs },
      {
        batchId,
        modelName: 'reviews',
        sources: [],
        windowMs: WINDOW,
      },
    );
    assert.deepEqual(await signalsOf(workflowId), [{ sources: [{ key: 'raw/reviews/2024/a.csv' }] }]);

    // A second upload to the same folder in the same window joins the open batch.
    await store.put('raw/reviews/2024/b.csv', 'id,text\n2,bye\n');
    const second = (await deliver(signaller)).flatMap((o) => o.signalled);
    assert.equal(second.length, 1);
    const sameWindow =
      second[0].batchId === windowBatchId('raw/reviews/2024', Math.floor(Date.now() / WINDOW) * WINDOW) && second[0].batchId === batchId;
    if (sameWindow) {
      assert.deepEqual(
        (await signalsOf(workflowId)).map((s) => s.sources[0].key),
        ['raw/reviews/2024/a.csv', 'raw/reviews/2024/b.csv'],
      );
    } else {
      // The hour turned between the uploads: a new window, a new batch.
      assert.notEqual(second[0].workflowId, workflowId);
    }

    // Once the window's batch has ended, its id is not reused (that run's results would be overwritten).
    await client.workflow.getHandle(second[0].workflowId).terminate('window closed for the test');
    await store.put('raw/reviews/2024/late.csv', 'id,text\n3,late\n');
    const late = (await deliver(signaller)).flatMap((o) => o.signalled);
    assert.equal(late.length, 1);
    assert.equal(late[0].late, true);
    assert.equal(late[0].batchId.startsWith(`${second[0].batchId}-late-`), true);
    assert.equal((await client.workflow.getHandle(late[0].workflowId).describe()).status.name, 'RUNNING');
    assert.deepEqual(await signalsOf(late[0].workflowId), [{ sources: [{ key: 'raw/reviews/2024/late.csv' }] }]);
  });
});

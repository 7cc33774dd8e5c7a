import assert from 'node:assert/strict';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type WithStartWorkflowOperation,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { loadSettings } from '../../../src/config/settings';
import type { IngestBatchInputV1, SubmitFilesUpdateV1 } from '../../../src/contracts/ingest-batch';
import { S3NotificationDeduper } from '../../../src/lambda/dedupe';
import { createS3EventHandler, createS3EventSignaller, windowBatchId, type SignalWithStartClient } from '../../../src/lambda/handler';
import { isValidBatchId } from '../../../src/pipeline/layout';
import { BUCKET, s3Event, s3Record, s3TestEvent, snsEnvelope, sqsRecord } from './fixtures';

const WINDOW = 5 * 60_000;
const settings = loadSettings({
  STORE: 's3',
  S3_BUCKET: BUCKET,
  S3_PREFIX: 'env/prod',
  TEMPORAL_TASK_QUEUE: 'nlp-q',
  MODEL_NAME: 'reviews',
});

interface Call {
  workflowType: string;
  update: string;
  updateArgs: [SubmitFilesUpdateV1];
  options: {
    workflowId: string;
    taskQueue: string;
    args: [IngestBatchInputV1];
    workflowIdReusePolicy: string;
    workflowIdConflictPolicy: string;
    typedSearchAttributes: Array<{ key: { name: string }; value: unknown }>;
  };
}

type Answer = 'ok' | 'down' | 'closed' | 'refused';

/**
 * Records update-with-start calls; `behaviour` decides per workflow id what the "server" answers:
 * the batch takes the files, Temporal is down, the batch has finished, or its validator refuses.
 * (The handler's grouping and fallbacks are what is tested here; test/aws covers a real server.)
 */
function fakeClient(behaviour: (workflowId: string) => Answer = () => 'ok'): {
  client: SignalWithStartClient;
  calls: Call[];
} {
  const calls: Call[] = [];
  const client = {
    workflow: {
      async executeUpdateWithStart(
        update: string,
        { args, startWorkflowOperation }: { args: [SubmitFilesUpdateV1]; startWorkflowOperation: WithStartWorkflowOperation<Workflow> },
      ) {
        const options = startWorkflowOperation.options as unknown as Call['options'];
        const workflowType = startWorkflowOperation.workflowTypeOrFunc as string;
        calls.push({ workflowType, update, updateArgs: args, options });
        const answer = behaviour(options.workflowId);
        if (answer === 'down') throw new Error('14 UNAVAILABLE: connection refused');
        if (answer === 'closed')
          throw new WorkflowExecutionAlreadyStartedError('Workflow execution already started', options.workflowId, workflowType);
        if (answer === 'refused') {
          const cause = ApplicationFailure.create({ type: 'IntakeClosed', nonRetryable: true, message: 'batch has stopped taking files' });
          throw new WorkflowUpdateFailedError('Workflow Update failed', cause);
        }
        return { batchId: options.args[0].batchId, accepted: args[0].sources.map((s) => s.key), duplicates: [] };
      },
    },
  } as unknown as SignalWithStartClient;
  return { client, calls };
}

/** An SQS record carrying one S3 event for `keys` (store-prefixed, URL-encoded the S3 way). */
function message(id: string, keys: string[], eventTime = '2024-05-14T09:31:12.456Z', sequencer = id): Record<string, unknown> {
  const records = keys.map((key, i) => ({
    ...s3Record({ key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), sequencer: `${sequencer}-${i}` }),
    eventTime,
  }));
  return sqsRecord(JSON.stringify(s3Event(...records)), id);
}

const quiet = () => undefined;

describe('S3 event handler (Lambda)', () => {
  it('update-with-starts one ingestBatch per folder and window, with store-relative keys', async () => {
    const { client, calls } = fakeClient();
    const handler = createS3EventHandler({ client, settings, windowMs: WINDOW, log: quiet });
    const response = await handler({
      Records: [
        message('m1', ['env/prod/raw/reviews/a.csv', 'env/prod/raw/reviews/b.csv']),
        message('m2', ['env/prod/raw/reviews/c d.jsonl', 'env/prod/raw/mail/x.txt']),
      ],
    });
    assert.deepEqual(response, { batchItemFailures: [] });
    assert.equal(calls.length, 2);

    const reviews = calls.find((c) => c.options.args[0].batchId.startsWith('raw-reviews-'));
    assert.ok(reviews);
    const batchId = windowBatchId('raw/reviews', Date.parse('2024-05-14T09:30:00Z'));
    assert.equal(reviews.workflowType, 'ingestBatch');
    assert.equal(reviews.options.workflowId, `ingest-${batchId}`);
    assert.match(reviews.options.workflowId, /^ingest-raw-reviews-[0-9a-f]{8}-20240514T093000Z$/);
    assert.equal(reviews.options.taskQueue, 'nlp-q');
    assert.equal(reviews.update, 'submitFiles');
    assert.deepEqual(reviews.updateArgs, [
      { sources: [{ key: 'raw/reviews/a.csv' }, { key: 'raw/reviews/b.csv' }, { key: 'raw/reviews/c d.jsonl' }] },
    ]);
    assert.equal(reviews.options.workflowIdReusePolicy, 'REJECT_DUPLICATE');
    assert.equal(reviews.options.workflowIdConflictPolicy, 'USE_EXISTING');
    const input = reviews.options.args[0];
    assert.deepEqual({ ...input, options: undefined }, { version: 1, batchId, modelName: 'reviews', sources: [], options: undefined });
    // Only the window is the Lambda's: sizes and placement are the workers' deployment.
    assert.deepEqual(input.options, { windowMs: WINDOW });
    assert.deepEqual(
      reviews.options.typedSearchAttributes.map((a) => [a.key.name, a.value]),
      [
        ['BatchId', batchId],
        ['ModelName', 'reviews'],
        ['PipelineStage', 'started'],
      ],
    );
    const mail = calls.find((c) => c.options.args[0].batchId.startsWith('raw-mail-'));
    assert.deepEqual(mail?.updateArgs, [{ sources: [{ key: 'raw/mail/x.txt' }] }]);
  });

  it('puts files of different windows (by S3 event time) into different batches', async () => {
    const { client, calls } = fakeClient();
    const handler = createS3EventHandler({ client, settings, windowMs: WINDOW, log: quiet });
    await handler({
      Records: [
        message('m1', ['env/prod/raw/reviews/a.csv'], '2024-05-14T09:34:59.999Z'),
        message('m2', ['env/prod/raw/reviews/b.csv'], '2024-05-14T09:35:00.000Z'),
      ],
    });
    assert.deepEqual(calls.map((c) => c.options.workflowId.slice(-16)).sort(), ['20240514T093000Z', '20240514T093500Z']);
  });

  it('skips, without failing the message, what must not start a batch', async () => {
    const { client, calls } = fakeClient();
    const logged: Array<Record<string, unknown>> = [];
    const signaller = createS3EventSignaller({ client, settings, windowMs: WINDOW, log: (e) => logged.push(e) });
    const otherBucket = s3Record({ key: 'env/prod/raw/x/a.csv', sequencer: 'o1' });
    (otherBucket.s3 as { bucket: { name: string } }).bucket.name = 'someone-elses-bucket';
    const outcome = await signaller.process([
      { id: 'm1', body: JSON.stringify(s3TestEvent) },
      { id: 'm2', body: JSON.stringify(s3Event(s3Record({ key: 'other/prefix/raw/x/a.csv', sequencer: 's1' }))) },
      { id: 'm3', body: JSON.stringify(s3Event(s3Record({ key: 'env/prod/results/b1/part-00000.jsonl', sequencer: 's2' }))) },
      { id: 'm4', body: JSON.stringify(s3Event(otherBucket)) },
      { id: 'm5', body: JSON.stringify(s3Event(s3Record({ key: 'env/prod/raw/x/..%2Fy.csv', sequencer: 's3' }))) },
      { id: 'm6', body: 'not json' },
    ]);
    assert.equal(calls.length, 0);
    assert.deepEqual(outcome.failedMessageIds, []);
    assert.deepEqual(
      outcome.skipped.map((s) => s.reason.replace(/ \(.*$/, '')),
      [
        's3:TestEvent for bucket nlp-batch-input',
        'outside the store prefix env/prod/',
        'not under raw/',
        `bucket someone-elses-bucket is not the store's bucket ${BUCKET}`,
        'invalid object key "raw/x/../y.csv": ".." segments are not allowed',
        'body is not JSON: "not json"',
      ],
    );
    assert.ok(logged.some((e) => e.event === 's3-event.skipped' && e.key === 'env/prod/results/b1/part-00000.jsonl'));
  });

  it('reports only the messages whose batch could not be signalled (partial batch response)', async () => {
    const { client } = fakeClient((id) => (id.includes('raw-mail-') ? 'down' : 'ok'));
    const handler = createS3EventHandler({ client, settings, windowMs: WINDOW, log: quiet });
    const response = await handler({
      Records: [
        message('m1', ['env/prod/raw/reviews/a.csv']),
        message('m2', ['env/prod/raw/mail/x.txt']),
        message('m3', ['env/prod/raw/reviews/b.csv', 'env/prod/raw/mail/y.txt']),
        sqsRecord(JSON.stringify(s3TestEvent), 'm4'),
      ],
    });
    assert.deepEqual(response.batchItemFailures.map((f) => f.itemIdentifier).sort(), ['m2', 'm3']);
  });

  it('drops redeliveries of signalled files but never the redelivery of a failed one', async () => {
    let down = true;
    const { client, calls } = fakeClient(() => (down ? 'down' : 'ok'));
    const handler = createS3EventHandler({ client, settings, windowMs: WINDOW, deduper: new S3NotificationDeduper(100), log: quiet });
    const event = { Records: [message('m1', ['env/prod/raw/reviews/a.csv'])] };
    assert.deepEqual(await handler(event), { batchItemFailures: [{ itemIdentifier: 'm1' }] });
    down = false;
    assert.deepEqual(await handler(event), { batchItemFailures: [] }, 'the retry is signalled, not deduplicated away');
    assert.deepEqual(await handler(event), { batchItemFailures: [] });
    assert.equal(calls.length, 2, 'the third delivery is a duplicate of a signalled file');
  });

  it('gives files arriving after their window batch finished a batch of their own, once', async () => {
    const base = windowBatchId('raw/reviews', Date.parse('2024-05-14T09:30:00Z'));
    const finished = new Set([`ingest-${base}`]);
    const { client, calls } = fakeClient((id) => (finished.has(id) ? 'closed' : 'ok'));
    const signaller = createS3EventSignaller({ client, settings, windowMs: WINDOW, log: quiet });
    const late = await signaller.process([{ id: 'm1', body: message('m1', ['env/prod/raw/reviews/late.csv']).body }]);
    assert.equal(late.signalled.length, 1);
    assert.equal(late.signalled[0].late, true);
    assert.match(late.signalled[0].batchId, new RegExp(`^${base}-late-[0-9a-f]{8}$`));
    assert.ok(isValidBatchId(late.signalled[0].batchId));

    // That late batch has finished too and the same file is delivered again (new sequencer): done.
    finished.add(late.signalled[0].workflowId);
    const again = await signaller.process([{ id: 'm2', body: message('m2', ['env/prod/raw/reviews/late.csv'], undefined, 'x').body }]);
    assert.deepEqual(again.failedMessageIds, []);
    assert.equal(calls.length, 4);
  });

  it('sends files a closing batch refuses to a follow-up batch, and the next one if that closes too', async () => {
    const base = windowBatchId('raw/reviews', Date.parse('2024-05-14T09:30:00Z'));
    const refusing = new Set([`ingest-${base}`]);
    const { client, calls } = fakeClient((id) => (refusing.has(id) ? 'refused' : 'ok'));
    const signaller = createS3EventSignaller({ client, settings, windowMs: WINDOW, log: quiet });
    const first = await signaller.process([{ id: 'm1', body: message('m1', ['env/prod/raw/reviews/f.csv']).body }]);
    assert.equal(first.signalled.length, 1);
    assert.equal(first.signalled[0].late, true);
    assert.deepEqual(first.signalled[0].accepted, ['raw/reviews/f.csv']);
    const followUp = first.signalled[0].workflowId;
    assert.match(followUp, new RegExp(`^ingest-${base}-late-[0-9a-f]{8}$`));
    assert.deepEqual(first.failedMessageIds, []);

    // The follow-up is closing as well when the next file of that set comes: the one after it takes it.
    refusing.add(followUp);
    const second = await signaller.process([{ id: 'm2', body: message('m2', ['env/prod/raw/reviews/f.csv'], undefined, 'y').body }]);
    assert.equal(second.signalled[0].workflowId, `${followUp}-2`);
    assert.deepEqual(
      calls.map((c) => c.options.workflowId),
      [`ingest-${base}`, followUp, `ingest-${base}`, followUp, `${followUp}-2`],
    );
  });

  it('throws for a direct S3 invocation it could not signal (Lambda retries async events)', async () => {
    const { client } = fakeClient(() => 'down');
    const handler = createS3EventHandler({ client, settings, windowMs: WINDOW, log: quiet });
    await assert.rejects(handler(s3Event(s3Record({ key: 'env/prod/raw/reviews/a.csv' }))), /could not be signalled/);
    const ok = createS3EventHandler({ client: fakeClient().client, settings, windowMs: WINDOW, log: quiet });
    assert.deepEqual(await ok(snsEnvelope(JSON.stringify(s3Event(s3Record({ key: 'env/prod/raw/reviews/a.csv' }))))), {
      batchItemFailures: [],
    });
  });

  it('makes batch ids that are valid, bounded and distinct per folder', () => {
    const t = Date.parse('2024-05-14T09:30:00Z');
    for (const folder of ['raw/reviews', 'raw/Reviews', 'raw/review s', 'raw/' + 'x'.repeat(500), 'raw/ñandú/2024', '']) {
      const id = windowBatchId(folder, t);
      assert.ok(isValidBatchId(id), id);
      assert.ok(`ingest-${id}`.length <= 128);
    }
    assert.notEqual(windowBatchId('raw/reviews', t), windowBatchId('raw/Reviews', t));
    assert.notEqual(windowBatchId('raw/a-b', t), windowBatchId('raw/a/b', t));
  });

  it('refuses settings it cannot work with', () => {
    const { client } = fakeClient();
    assert.throws(() => createS3EventHandler({ client, settings: loadSettings({ STORE: 'fs' }), windowMs: WINDOW }), /STORE=s3/);
    assert.throws(() => createS3EventHandler({ client, settings, windowMs: 0 }), RangeError);
  });
});

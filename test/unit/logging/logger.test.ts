import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { addLogSecret, createLogger, scrubValue, temporalLogFields, TemporalPinoLogger } from '../../../src/logging';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  return { lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), stream };
}

describe('JSON logger', () => {
  it('writes one JSON object per line with level, time and message', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.info({ batchId: 'b1' }, 'batch started');
    logger.debug('not at info');
    const [record] = out.records();
    assert.equal(out.lines.length, 1);
    assert.equal(record.level, 'info');
    assert.equal(record.msg, 'batch started');
    assert.equal(record.batchId, 'b1');
    assert.match(String(record.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('never writes secrets: secret-named fields, registered values anywhere, document text fields', () => {
    const apiKey = 'tmprl-api-key-zq81-aaaaaaaaaaaaaaaa';
    addLogSecret(apiKey);
    addLogSecret('short'); // too short to register: ordinary words must survive
    const out = capture();
    const logger = createLogger({ level: 'trace', destination: out.stream });
    logger.info(
      {
        settings: { temporal: { apiKey, address: 'x:7233' }, codec: { token: 'tok-123456789', payloadKeys: ['abc'] } },
        headers: { authorization: 'Bearer something-long' },
        row: { id: 'r1' },
        body: 'the whole document text',
        tokens: ['a', 'b'],
        note: `the key ${apiKey} leaked into a string`,
      },
      `message with ${apiKey}`,
    );
    logger.error({ error: new Error(`failed with ${apiKey}`) }, 'short words stay');
    const text = out.lines.join('\n');
    for (const secret of [apiKey, 'tok-123456789', 'Bearer something-long', 'the whole document text', 'abc'])
      assert.ok(!text.includes(secret), secret);
    const [first, second] = out.records();
    assert.equal((first.settings as { temporal: { address: string } }).temporal.address, 'x:7233');
    assert.equal(first.body, '[text: 23 chars]');
    assert.equal(first.tokens, '[2 items]');
    assert.equal(first.msg, 'message with [REDACTED]');
    assert.equal((second.error as { message: string }).message, 'failed with [REDACTED]');
    assert.equal(second.msg, 'short words stay');
  });

  it('maps the SDK log attributes: runId, activity, no task token', () => {
    assert.deepEqual(
      temporalLogFields({ workflowId: 'w', workflowRunId: 'r', activityType: 'processShard', taskToken: 'secret', attempt: 2 }),
      { workflowId: 'w', runId: 'r', activity: 'processShard', attempt: 2 },
    );
    assert.deepEqual(temporalLogFields({ workflowId: 'w', runId: 'r', workflowType: 'ingestBatch' }), {
      workflowId: 'w',
      runId: 'r',
      workflowType: 'ingestBatch',
    });
    const out = capture();
    new TemporalPinoLogger(createLogger({ level: 'debug', destination: out.stream })).log('DEBUG', 'Activity completed', {
      workflowId: 'w',
      workflowRunId: 'r',
      activityType: 'resolveModel',
      taskToken: 'tt',
    });
    const [record] = out.records();
    assert.equal(record.level, 'debug');
    assert.deepEqual([record.workflowId, record.runId, record.activity, record.taskToken], ['w', 'r', 'resolveModel', undefined]);
  });

  it("keeps the SDK's notice that the CPU queue's worker has no workflows (by design) below the user's info level", () => {
    const out = capture();
    const logger = new TemporalPinoLogger(createLogger({ level: 'debug', destination: out.stream }));
    logger.warn('No workflows registered, not polling for workflow tasks', { taskQueue: 'nlp-batch-cpu' });
    logger.warn('Activity failed', { activityType: 'processShard' });
    assert.deepEqual(
      out.records().map((r) => [r.level, r.msg]),
      [
        ['debug', 'No workflows registered, not polling for workflow tasks'],
        ['warn', 'Activity failed'],
      ],
    );
  });

  it('survives odd values (bigint, bytes, deep nesting)', () => {
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 20; i++) cursor = (cursor.next = {}) as Record<string, unknown>;
    assert.doesNotThrow(() => JSON.stringify(scrubValue({ n: 10n, b: new Uint8Array(3), deep })));
  });
});

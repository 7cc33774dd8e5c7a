import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { startIngest } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import { TEST_PAYLOAD_KEYS, testCodecEnv } from '../helpers/codec';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

interface LogLine {
  level: string;
  msg: string;
  workflowId?: string;
  runId?: string;
  workflowType?: string;
  activity?: string;
  sdkComponent?: string;
  [key: string]: unknown;
}

/**
 * The real worker process (src/workers/main.ts) at LOG_LEVEL=debug, against the test server, with
 * the payload keys and a codec server token in its environment; a batch with canary text runs
 * through it. Its stdout must be JSON lines that tie activities to their workflow run, and must
 * contain none of the documents, keys or token.
 */
describe('structured logs of the worker process', function () {
  this.timeout(180_000);
  let fx: PipelineFixture;
  let child: ChildProcess | undefined;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'logs');
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fx.cleanup();
  });

  it('carry workflowId, runId and activity, and no document text, payload key or token', async () => {
    const token = `codec-token-${randomBytes(12).toString('hex')}`;
    const canary = `zq81logcanary${randomBytes(4).toString('hex')}`;
    const canaryKey = `raw/canary-zq81-logs/${canary}.csv`;
    await fx.deps.store.put(
      canaryKey,
      messagesToCsv(sampleMessages(40, 2000).map((m, i) => ({ ...m, body: `${m.body} ${canary} #${i}` }))),
    );

    child = spawn(process.execPath, [path.resolve(__dirname, '../../src/workers/main.js')], {
      env: {
        ...process.env,
        ...testCodecEnv,
        TEMPORAL_ADDRESS: fx.env.address,
        TEMPORAL_TASK_QUEUE: fx.taskQueue,
        TEMPORAL_EMBEDDED: 'false',
        DATA_DIR: fx.dir,
        STORE_ROOT: fx.deps.store.root,
        LOG_LEVEL: 'debug',
        CODEC_SERVER_TOKEN: token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    for (let i = 0; !stdout.includes('"worker polling"'); i++) {
      if (child.exitCode !== null || i > 600) assert.fail(`the worker did not start:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const base = loadSettings({});
    const settings = {
      ...base,
      temporal: { ...base.temporal, taskQueue: fx.taskQueue },
      pipeline: { ...base.pipeline, driftCheckEveryBatches: 0 },
    };
    const handle = await startIngest(fx.env.client, settings, {
      batchId: `logs-${Date.now().toString(36)}`,
      modelName: 'logs',
      sources: [{ key: canaryKey }],
    });
    const result = await handle.result();
    assert.equal(result.scored, 40);
    const runId = (await handle.describe()).runId;

    child.kill('SIGTERM'); // graceful: the worker drains and the process exits on its own
    const [code] = await exited;
    assert.equal(code, 0, stderr);

    const lines = stdout.trim().split('\n');
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        return assert.fail(`not a JSON log line: ${line}`);
      }
    });
    for (const r of records) {
      assert.ok(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].includes(r.level), JSON.stringify(r));
      assert.equal(typeof r.time, 'string');
      assert.equal(r.service, 'nlp-batch');
    }
    const ofRun = records.filter((r) => r.workflowId === handle.workflowId && r.runId === runId);
    const activities = new Set(ofRun.filter((r) => r.activity).map((r) => r.activity));
    for (const activity of ['resolveModel', 'prepareSource', 'finalizeBatch'])
      assert.ok(activities.has(activity), `no log of ${activity}: ${[...activities].join(', ')}`);
    assert.ok(ofRun.some((r) => r.msg === 'Activity completed' && r.workflowType === 'ingestBatch'));
    assert.ok(
      ofRun.some((r) => r.msg === 'Workflow completed' && r.workflowType === 'ingestBatch' && !r.activity),
      'workflow lines carry the run too',
    );
    assert.ok(!ofRun.some((r) => 'taskToken' in r), 'task tokens are dropped');

    const everything = stdout + stderr;
    const [, key1, , key2] = TEST_PAYLOAD_KEYS.split(/[:,]/);
    for (const [what, secret] of [
      ['document text', canary],
      ['object key', 'canary-zq81-logs'],
      ['payload key test-1', key1],
      ['payload key test-2', key2],
      ['codec server token', token],
    ])
      assert.ok(!everything.includes(secret), `the worker logged the ${what}`);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { ingestWorkflowId } from '../../src/client/ingest';
import { ingestQueries, ingestSignals, type IngestProgressV1 } from '../../src/contracts/ingest-batch';
import type { ObjectStore } from '../../src/storage/object-store';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { testCodecEnv } from '../helpers/codec';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cli = path.resolve(__dirname, '../../src/client/cli.js');

/** Holds manifest writes while `held`: the batch stays in its finalising phase. */
function holdManifests(store: ObjectStore) {
  let release: () => void = () => undefined;
  let held: Promise<void> | undefined = new Promise<void>((resolve) => (release = resolve));
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'put' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (key: string, ...rest: unknown[]) => {
        if (key.endsWith('/manifest.json') && held) await held;
        return (value as (...args: unknown[]) => unknown).call(target, key, ...rest);
      };
    },
  });
  return {
    store: wrapped,
    release: () => {
      release();
      held = undefined;
    },
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('a waiting client rides out a lost connection to Temporal (real dev server behind a TCP proxy)', function () {
  this.timeout(150_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;
  let proxy: TcpProxy;
  let hold: ReturnType<typeof holdManifests>;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'wait', 200);
    hold = holdManifests(fx.deps.store);
    worker = await fx.newWorker({ store: hold.store });
    running = worker.run();
    proxy = await startTcpProxy(fx.env.address);
  });
  after(async () => {
    hold.release();
    await proxy.stop();
    worker.shutdown();
    await running;
    fx.cleanup();
  });

  function runCli(args: string[]): { done: Promise<Run>; stderr: () => string } {
    const child = spawn(process.execPath, [cli, ...args], {
      env: {
        ...process.env,
        ...testCodecEnv,
        TEMPORAL_ADDRESS: proxy.address,
        TEMPORAL_NAMESPACE: fx.env.namespace ?? 'default',
        TEMPORAL_TASK_QUEUE: fx.taskQueue,
        TEMPORAL_EMBEDDED: 'false',
        STORE: 'fs',
        STORE_ROOT: fx.deps.store.root,
        DATA_DIR: fx.dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    return { done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr }))), stderr: () => stderr };
  }

  async function untilFinalizing(workflowId: string): Promise<void> {
    for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
      const progress = await fx.env.client.workflow
        .getHandle(workflowId)
        .query<IngestProgressV1>(ingestQueries.progress)
        .catch(() => undefined);
      if (progress?.phase === 'finalizing') return;
      assert.ok(Date.now() < deadline, `${workflowId} never reached finalizing`);
    }
  }

  /** Cuts the client's way to the server for a few seconds, then restores it. */
  async function outage(ms: number): Promise<void> {
    await proxy.stop();
    await sleep(ms);
    await proxy.start();
  }

  it('`ingest --wait --json` keeps waiting through the outage and prints the batch result', async () => {
    const file = path.join(fx.dir, 'wait.csv');
    const messages = sampleMessages(12, 2500);
    await fs.writeFile(file, messagesToCsv(messages));
    const cli = runCli(['ingest', file, '--model', 'wait', '--batch-id', `w${Date.now()}`, '--wait', '--json']);
    let workflowId: string | undefined;
    for (const deadline = Date.now() + 60_000; !workflowId; await sleep(100)) {
      workflowId = /started (ingest-\S+):/.exec(cli.stderr())?.[1];
      assert.ok(Date.now() < deadline, `the CLI never started the batch:\n${cli.stderr()}`);
    }
    await untilFinalizing(workflowId);
    // Longer than the SDK's own retries of a call (10 attempts, about 20 s): the wait itself must cope.
    await outage(25_000);
    hold.release();
    const out = await cli.done;
    assert.equal(out.code, 0, out.stderr);
    const json = JSON.parse(out.stdout.trim());
    assert.equal(json.workflowId, workflowId);
    assert.equal(json.status, 'completed');
    assert.equal(json.scored, 12);
    assert.match(out.stderr, /lost touch with Temporal while waiting/);
  });

  it('`wait <batchId>` re-attaches to a running batch, survives an outage, and prints the same JSON as `ingest --json`', async () => {
    await fx.deps.store.put('raw/wait/b.csv', messagesToCsv(sampleMessages(7, 3100)));
    const batchId = `wait-${Date.now()}`;
    const handle = await fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [{ version: 1, batchId, modelName: 'wait', sources: [{ key: 'raw/wait/b.csv' }], options: { windowMs: 3_600_000 } }],
    });
    const cli = runCli(['wait', batchId]);
    for (const deadline = Date.now() + 60_000; !/waiting-for-files/.test(cli.stderr()); await sleep(100))
      assert.ok(Date.now() < deadline, `the CLI never attached:\n${cli.stderr()}`);
    await outage(3000);
    await handle.signal(ingestSignals.closeBatch);
    const out = await cli.done;
    assert.equal(out.code, 0, out.stderr);
    const json = JSON.parse(out.stdout.trim());
    assert.deepEqual(Object.keys(json), [
      'workflowId',
      'batchId',
      'status',
      'inputRows',
      'scored',
      'quarantined',
      'resultsPrefix',
      'resultParts',
      'quarantinePrefix',
      'quarantineFiles',
      'rejectedFiles',
      'rejectedFileCount',
      'manifestKey',
      'modelVersion',
    ]);
    assert.equal(json.workflowId, handle.workflowId);
    assert.equal(json.scored, 7);
  });
});

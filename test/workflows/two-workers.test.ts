import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { temporal } from '@temporalio/proto';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import type { IngestBatchResultV2 } from '../../src/contracts/ingest-batch';
import { ModelRegistry } from '../../src/model';
import { toJsonl } from '../../src/pipeline/jsonl';
import { FsObjectStore } from '../../src/storage/fs-object-store';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { readResultRecords } from '../helpers/batch-results';
import { testCodecEnv } from '../helpers/codec';
import { sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { devServerEnv } from '../helpers/temporal-env';

const run = promisify(execFile);
const settings = loadSettings({});
const cli = path.resolve(__dirname, '../../src/client/cli.js');

interface StandaloneWorker {
  child: ChildProcess;
  pid: number;
  buildId: string;
  exited: Promise<number | null>;
}

/**
 * Two `nlp-batch worker` processes (the standalone command, with the prebuilt workflow bundle)
 * against one server and one store, as on two machines.
 */
describe('two standalone workers against one server', function () {
  this.timeout(180_000);
  let dir: string;
  let store: FsObjectStore;
  let env: Awaited<ReturnType<typeof devServerEnv>>;
  let bundle: string;
  const taskQueue = `two-workers-${Date.now()}`;
  const workers: StandaloneWorker[] = [];

  before(async () => {
    env = await devServerEnv();
    dir = mkdtempSync(path.join(os.tmpdir(), 'two-workers-'));
    store = new FsObjectStore(path.join(dir, 'store'));
    await seedModel(new ModelRegistry(store), 'spam', 300);
    bundle = path.join(dir, 'workflow-bundle.js');
    await run(process.execPath, [path.resolve(__dirname, '../../src/workers/workflow-bundle.js'), bundle]);
  });
  after(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function startWorker(): Promise<StandaloneWorker> {
    const child = spawn(process.execPath, [cli, 'worker'], {
      env: {
        ...process.env,
        ...testCodecEnv,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_EMBEDDED: 'false',
        STORE: 'fs',
        STORE_ROOT: store.root,
        DATA_DIR: dir,
        WORKER_CPU_SLOTS: '1',
        WORKFLOW_BUNDLE: bundle,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const buildId = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        if (line.includes('"worker polling"')) {
          const entry = JSON.parse(line) as { prebuiltBundle: boolean; buildId: string };
          assert.equal(entry.prebuiltBundle, true);
          assert.match(entry.buildId, /^wf-[0-9a-f]{16}$/);
          resolve(entry.buildId);
        }
      });
      void exited.then((code) => reject(new Error(`worker exited with ${code} before polling`)));
    });
    const worker = { child, pid: child.pid as number, buildId, exited };
    workers.push(worker);
    return worker;
  }

  let counter = 0;
  async function startBatch(rows: number) {
    const batchId = `two-${Date.now()}-${counter++}`;
    const key = `raw/${batchId}/rows.jsonl`;
    const messages = sampleMessages(rows, 4000);
    await store.put(
      key,
      toJsonl(messages.map((m, i) => ({ id: `${batchId}-${i}`, title: m.subject, text: m.body.slice(0, 400), label: m.label }))),
    );
    const handle = await env.client.workflow.start(ingestBatch, {
      taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'spam',
          sources: [{ key }],
          options: ingestOptions(settings, {
            driftCheckEveryBatches: 0,
            retrainAfterLabelledRows: 0,
            shardSize: 20,
            rangeShards: 8,
            parallelism: 2,
            rangeConcurrency: 2,
          }),
        },
      ],
    });
    return { batchId, handle };
  }

  /** Which process (pid from the default identity pid@host) started each processShard attempt. */
  async function shardWorkers(workflowId: string, ranges: number): Promise<Map<string, number>> {
    const byIdentity = new Map<string, number>();
    for (let r = 0; r < ranges; r++) {
      const events: temporal.api.history.v1.IHistoryEvent[] =
        (await env.client.workflow.getHandle(`${workflowId}-range-${String(r).padStart(4, '0')}`).fetchHistory()).events ?? [];
      const scheduled = new Map<string, string>();
      for (const e of events) {
        const s = e.activityTaskScheduledEventAttributes;
        if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
        const started = e.activityTaskStartedEventAttributes;
        if (started && scheduled.get(String(started.scheduledEventId)) === 'processShard') {
          const pid = (started.identity ?? '').split('@')[0];
          byIdentity.set(pid, (byIdentity.get(pid) ?? 0) + 1);
        }
      }
    }
    return byIdentity;
  }

  async function assertEveryRowOnce(result: IngestBatchResultV2, rows: number) {
    assert.equal(result.inputRows, rows);
    assert.equal(result.scored + result.quarantined, rows);
    const ids = (await readResultRecords(store, result)).map((r) => r.id);
    assert.equal(ids.length, result.scored);
    assert.equal(new Set(ids).size, ids.length, 'a row was scored twice');
  }

  it('share a batch: both process some of its shards', async () => {
    const [a, b] = [await startWorker(), await startWorker()];
    const { handle } = await startBatch(960); // 48 shards in ranges of 8
    const result = await handle.result();
    await assertEveryRowOnce(result, 960);
    const byWorker = await shardWorkers(handle.workflowId, result.shardRanges);
    assert.ok((byWorker.get(String(a.pid)) ?? 0) > 0, `worker A processed no shard: ${JSON.stringify([...byWorker])}`);
    assert.ok((byWorker.get(String(b.pid)) ?? 0) > 0, `worker B processed no shard: ${JSON.stringify([...byWorker])}`);
    // Both run the same prebuilt bundle, so they declare the same build id; the history records it
    // on every workflow task they completed.
    assert.equal(a.buildId, b.buildId);
    const completed = ((await handle.fetchHistory()).events ?? []).flatMap((e) =>
      e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes] : [],
    );
    assert.ok(completed.length > 0);
    for (const c of completed) assert.equal(c.deploymentVersion?.buildId ?? c.workerVersion?.buildId, a.buildId, JSON.stringify(c));
  });

  it('one stopped mid-batch: the other finishes it, nothing lost or duplicated', async () => {
    const [a, b] = workers;
    const { batchId, handle } = await startBatch(1600); // 80 shards
    // Stop A once the batch is under way (some shard summaries written).
    for (;;) {
      let done = 0;
      for await (const o of store.list(`batches/${batchId}/shards/`)) if (o.key.endsWith('.json')) done++;
      if (done >= 6) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    a.child.kill('SIGTERM');
    assert.equal(await a.exited, 0, 'worker A did not drain and exit cleanly');
    const result = await handle.result();
    await assertEveryRowOnce(result, 1600);
    const byWorker = await shardWorkers(handle.workflowId, result.shardRanges);
    assert.ok((byWorker.get(String(b.pid)) ?? 0) > 0);
    let summaries = 0;
    for await (const o of store.list(result.shardSummariesPrefix)) if (o.key.endsWith('.json')) summaries++;
    assert.equal(summaries, result.resultParts);
  });
});

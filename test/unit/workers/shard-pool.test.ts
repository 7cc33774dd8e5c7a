import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { driftFailureTypes } from '../../../src/contracts/drift-correction';
import { ModelRegistry } from '../../../src/model';
import { cleanStagedRecords } from '../../../src/pipeline/clean-records';
import { parseJsonl, toJsonl } from '../../../src/pipeline/jsonl';
import { readProcessedShard } from '../../../src/jobs/processed-record';
import type { StagedRecord } from '../../../src/pipeline/records';
import { runShardStage, type ShardStageTask } from '../../../src/pipeline/shard-stage';
import { VocabularyLoader } from '../../../src/pipeline/shard-statistics';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import { PermanentTaskError } from '../../../src/jobs/task-errors';
import { inCpuPool, ShardThreadPool } from '../../../src/workers/shard-pool';
import { sampleMessages } from '../../helpers/corpus';
import { seedModel } from '../../helpers/seed-model';

describe('ShardThreadPool', function () {
  this.timeout(60_000);
  let dir: string;
  let store: FsObjectStore;
  let pool: ShardThreadPool;
  let version: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'shard-pool-'));
    store = new FsObjectStore(path.join(dir, 'store'));
    version = await seedModel(new ModelRegistry(store), 'pool', 300);
    const rows = sampleMessages(400, 2000).map((m, i) => ({
      id: m.id,
      source: { key: 'raw/x.csv', line: i + 2 },
      title: m.subject,
      body: m.body,
      label: m.label,
    }));
    for (let s = 0; s < 4; s++) await store.put(`staged/b/shard-${s}.jsonl`, toJsonl(rows.slice(s * 100, (s + 1) * 100)));
    pool = new ShardThreadPool({ STORE: 'fs', STORE_ROOT: store.root, DATA_DIR: dir }, 2);
  });
  const task = (s: number, out: string, score = true): ShardStageTask => ({
    batchId: out,
    index: s,
    sourceIndex: 0,
    stagedKey: `staged/b/shard-${s}.jsonl`,
    processedKey: `processed/${out}/${s}.jsonl`,
    ...(score && { resultKey: `results/${out}/${s}.jsonl` }),
    summaryKey: `batches/${out}/shards/${s}.json`,
    fingerprintsKey: `batches/${out}/fingerprints/${s}.bin`,
    modelName: 'pool',
    modelVersion: version,
  });

  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cleans and scores shards in threads with byte-identical output to the inline stage', async () => {
    const registry = new ModelRegistry(store);
    const results = await Promise.all([0, 1, 2, 3].map((s) => pool.run(task(s, 't'))));
    assert.deepEqual(
      results.map((r) => r.rows),
      [100, 100, 100, 100],
    );
    for (let s = 0; s < 4; s++) {
      const inline = await runShardStage(
        { store, loadModel: (n, v) => registry.load(n, v), loadVocabulary: (k) => new VocabularyLoader(store).load(k) },
        task(s, 'i'),
      );
      assert.deepEqual(results[s], inline);
      assert.ok((await store.get(`processed/t/${s}.jsonl`)).equals(await store.get(`processed/i/${s}.jsonl`)));
      assert.ok((await store.get(`results/t/${s}.jsonl`)).equals(await store.get(`results/i/${s}.jsonl`)));
    }
  });

  it('writes processed shards as compact v2 lines that read back as the cleaned records', async () => {
    const registry = new ModelRegistry(store);
    const classifier = await registry.load('pool', version);
    await pool.run(task(1, 'v2'));
    const text = (await store.get('processed/v2/1.jsonl')).toString('utf8');
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 100);
    assert.ok(lines.every((line) => line.startsWith('{"v":2,') && !line.includes('"tokens_nostop"')));
    const staged = parseJsonl<StagedRecord>(await store.get('staged/b/shard-1.jsonl'), 'staged');
    assert.deepEqual(readProcessedShard(Buffer.from(text), 'processed/v2/1.jsonl'), cleanStagedRecords(staged, classifier.config.text));
  });

  it('rejects a task whose input is missing, typed and non-retryable, and keeps serving the next ones', async () => {
    await assert.rejects(pool.run({ ...task(0, 'none', false), stagedKey: 'staged/none.jsonl' }), (err: unknown) => {
      // The thread's ObjectNotFoundError crosses the boundary as an ApplicationFailure of its type.
      assert.ok(err instanceof ApplicationFailure, String(err));
      assert.equal(err.type, 'ObjectNotFound');
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /ObjectNotFoundError: .*not found/);
      return true;
    });
    await assert.rejects(
      pool.run({ ...task(0, 'v99', false), modelVersion: 'v99' }),
      (err: unknown) => err instanceof ApplicationFailure && err.type === 'ModelArtifactInvalid' && err.nonRetryable,
    );
    const ok = await pool.run(task(0, 'again', false));
    assert.equal(ok.rows, 100);
    assert.equal(ok.scored, 0);
  });
});

describe('ShardThreadPool: CPU activities off the main thread', function () {
  this.timeout(60_000);
  let dir: string;
  let store: FsObjectStore;
  let pool: ShardThreadPool;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cpu-pool-'));
    store = new FsObjectStore(path.join(dir, 'store'));
    await seedModel(new ModelRegistry(store), 'pool', 200);
    pool = new ShardThreadPool({ STORE: 'fs', STORE_ROOT: store.root, DATA_DIR: dir }, 2);
  });
  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs an activity in a thread inside the caller activity context, and keeps the ApplicationFailure type of its errors', async () => {
    const env = new MockActivityEnvironment({ activityType: 'resolveBaseline' });
    // The seeded version has no training run recorded: resolveBaseline answers null (no OOV counts).
    const ok = await env.run(() =>
      pool.runActivity<{ baselineKey: string | null }>('resolveBaseline', [{ modelName: 'pool', modelVersion: 'v1' }]),
    );
    assert.deepEqual(ok, { baselineKey: null });
    // ensureBaseline raises the same condition as a typed, non-retryable failure: the type crosses the thread.
    await assert.rejects(
      env.run(() => pool.runActivity('ensureBaseline', [{ modelName: 'pool', version: 'v1' }])),
      (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure, String(err));
        assert.equal(err.type, driftFailureTypes.baselineUnavailable);
        assert.equal(err.nonRetryable, true);
        return true;
      },
    );
  });

  it('replaces a thread that died, failing only the task it ran', async () => {
    await seedModel(new ModelRegistry(store), 'crash', 100);
    const rows = sampleMessages(50, 100).map((m, i) => ({
      id: m.id,
      source: { key: 'raw/c.csv', line: i + 2 },
      title: m.subject,
      body: m.body,
      label: m.label,
    }));
    await store.put('staged/c/shard-0.jsonl', toJsonl(rows));
    const task = (out: string) => ({
      batchId: 'c',
      index: 0,
      sourceIndex: 0,
      stagedKey: 'staged/c/shard-0.jsonl',
      processedKey: `processed/${out}.jsonl`,
      resultKey: `results/${out}.jsonl`,
      summaryKey: `batches/${out}.json`,
      fingerprintsKey: `batches/${out}.bin`,
      modelName: 'crash',
      modelVersion: 'v1',
    });
    assert.equal((await pool.run(task('first'))).rows, 50);
    const before = new Set(pool.threads);
    assert.equal(before.size, 2);
    // Kill every thread, as an out-of-memory abort would: the pool must start new ones.
    await Promise.all([...before].map((t) => t.terminate()));
    const again = await pool.run(task('again'));
    assert.equal(again.rows, 50);
    assert.ok(pool.threads.length >= 1);
    assert.ok(
      pool.threads.every((t) => !before.has(t)),
      'the dead threads were reused',
    );
  });
});

describe('inCpuPool without a pool', () => {
  it('runs the activities inline, their permanent errors typed and non-retryable as the pool types them', async () => {
    const activities = inCpuPool({
      summarizeShardRange: async (key: string): Promise<string> => {
        if (key === 'bad') throw new PermanentTaskError('batches/b/shards/shard-00003.json: not a shard summary');
        if (key === 'flaky') throw new Error('connection reset');
        return `summary of ${key}`;
      },
    });
    assert.equal(await activities.summarizeShardRange('good'), 'summary of good');
    await assert.rejects(activities.summarizeShardRange('bad'), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure, String(err));
      assert.equal(err.type, 'InvalidTaskInput');
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /shard-00003\.json: not a shard summary/);
      return true;
    });
    // Anything else stays as it was: Temporal retries it.
    await assert.rejects(
      activities.summarizeShardRange('flaky'),
      (err: unknown) => !(err instanceof ApplicationFailure) && /connection reset/.test(String(err)),
    );
  });
});

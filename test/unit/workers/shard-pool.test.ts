import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ModelRegistry } from '../../../src/model';
import { toJsonl } from '../../../src/pipeline/jsonl';
import { runShardStage } from '../../../src/pipeline/shard-stage';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import { ShardThreadPool } from '../../../src/workers/shard-pool';
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
  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cleans and scores shards in threads with byte-identical output to the inline stage', async () => {
    const registry = new ModelRegistry(store);
    const results = await Promise.all(
      [0, 1, 2, 3].map((s) =>
        pool.run({
          stagedKey: `staged/b/shard-${s}.jsonl`,
          processedKey: `processed/t/${s}.jsonl`,
          resultKey: `results/t/${s}.jsonl`,
          modelName: 'pool',
          modelVersion: version,
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.rows),
      [100, 100, 100, 100],
    );
    for (let s = 0; s < 4; s++) {
      const inline = await runShardStage(store, (n, v) => registry.load(n, v), {
        stagedKey: `staged/b/shard-${s}.jsonl`,
        processedKey: `processed/i/${s}.jsonl`,
        resultKey: `results/i/${s}.jsonl`,
        modelName: 'pool',
        modelVersion: version,
      });
      assert.deepEqual(results[s].scored, inline.scored);
      assert.ok((await store.get(`processed/t/${s}.jsonl`)).equals(await store.get(`processed/i/${s}.jsonl`)));
    }
  });

  it('rejects a task whose input is missing, typed and non-retryable, and keeps serving the next ones', async () => {
    await assert.rejects(
      pool.run({ stagedKey: 'staged/none.jsonl', processedKey: 'processed/none.jsonl', modelName: 'pool', modelVersion: version }),
      (err: unknown) => {
        // The thread's ObjectNotFoundError crosses the boundary as an ApplicationFailure of its type.
        assert.ok(err instanceof ApplicationFailure, String(err));
        assert.equal(err.type, 'ObjectNotFound');
        assert.equal(err.nonRetryable, true);
        assert.match(err.message, /ObjectNotFoundError: .*not found/);
        return true;
      },
    );
    await assert.rejects(
      pool.run({ stagedKey: 'staged/b/shard-0.jsonl', processedKey: 'processed/x.jsonl', modelName: 'pool', modelVersion: 'v99' }),
      (err: unknown) => err instanceof ApplicationFailure && err.type === 'ModelArtifactInvalid' && err.nonRetryable,
    );
    const ok = await pool.run({
      stagedKey: 'staged/b/shard-0.jsonl',
      processedKey: 'processed/again.jsonl',
      modelName: 'pool',
      modelVersion: version,
    });
    assert.equal(ok.rows, 100);
    assert.equal(ok.scored, undefined);
  });
});

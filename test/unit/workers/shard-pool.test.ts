import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelRegistry } from '../../../src/model';
import { toJsonl } from '../../../src/pipeline/jsonl';
import { runShardStage, type ShardStageTask } from '../../../src/pipeline/shard-stage';
import { VocabularyLoader } from '../../../src/pipeline/shard-statistics';
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

  it('rejects a task whose input is missing, and keeps serving the next ones', async () => {
    await assert.rejects(pool.run({ ...task(0, 'none', false), stagedKey: 'staged/none.jsonl' }), /not found/);
    const ok = await pool.run(task(0, 'again', false));
    assert.equal(ok.rows, 100);
    assert.equal(ok.scored, 0);
  });
});

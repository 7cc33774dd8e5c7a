import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFinalizeBatch } from '../../../src/activities/ingest/finalize-batch';
import { ModelCache } from '../../../src/activities/ingest/model-cache';
import { createSummarizeActivities, type RangeSummaryV1 } from '../../../src/activities/ingest/summarize';
import type { FinalizeBatchOutput, SourceSummaryV1 } from '../../../src/activities/ingest/types';
import { ingestFailureTypes } from '../../../src/contracts/ingest-batch';
import { ModelRegistry } from '../../../src/model';
import { batchLayout, layout } from '../../../src/pipeline/layout';
import { writeShardSummary } from '../../../src/pipeline/shard-summary';
import { FsObjectStore } from '../../../src/storage/fs-object-store';

describe('finalisation from range summaries', () => {
  let dir: string;
  let store: FsObjectStore;
  const batchId = 'fin-1';
  const rowsOf = [4, 3, 5];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'finalize-'));
    store = new FsObjectStore(dir);
    const source: SourceSummaryV1 = {
      schemaVersion: 1,
      batchId,
      sourceIndex: 0,
      sourceKey: 'raw/a.jsonl',
      format: 'jsonl',
      inputRows: 13,
      accepted: 12,
      labelled: 0,
      quarantined: 1,
      quarantineKey: layout.quarantine(batchId, 0),
      quarantineReasons: { 'empty-text': 1 },
      shards: rowsOf.map((rows, local) => ({ local, key: batchLayout.stagedShard(batchId, 0, local), rows })),
      rejected: null,
    };
    await store.put(batchLayout.sourceSummary(batchId, 0), JSON.stringify(source));
    for (const [index, rows] of rowsOf.entries()) {
      await writeShardSummary(store, batchLayout.shardSummary(batchId, index), {
        schemaVersion: 1,
        batchId,
        index,
        sourceIndex: 0,
        stagedKey: batchLayout.stagedShard(batchId, 0, index),
        processedKey: layout.processed(batchId, index),
        resultKey: `batches/${batchId}/results/part-${index}.jsonl`,
        rows,
        scored: rows,
        sha256: `sha-of-${index}`,
        predictedCounts: { spam: rows },
        labelled: 0,
        statistics: null,
        profile: null,
        fingerprintsKey: null,
      });
    }
    // Two ranges: shards 1-2, then shard 0 (ranges need not come in shard order).
    const { summarizeShardRange } = createSummarizeActivities(store, new ModelCache(new ModelRegistry(store)));
    const env = new MockActivityEnvironment();
    await env.run(summarizeShardRange, { batchId, range: 0, blocks: [{ sourceIndex: 0, firstLocal: 1, first: 1, count: 2 }] });
    await env.run(summarizeShardRange, { batchId, range: 1, blocks: [{ sourceIndex: 0, firstLocal: 0, first: 0, count: 1 }] });
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  const finalize = (): Promise<FinalizeBatchOutput> =>
    new MockActivityEnvironment().run(createFinalizeBatch(store), {
      batchId,
      model: { modelName: 'm', modelVersion: 'v1' },
      startedAt: new Date().toISOString(),
      expected: { inputRows: 13, scored: 12, quarantined: 1, shards: 3, sources: 1 },
    });

  it('lists every shard result part, in shard order, from the range summaries alone', async () => {
    const range = JSON.parse((await store.get(batchLayout.rangeSummary(batchId, 0))).toString('utf8')) as RangeSummaryV1;
    assert.deepEqual(
      range.parts.map((p) => [p.shard, p.rows, p.sha256]),
      [
        [1, 3, 'sha-of-1'],
        [2, 5, 'sha-of-2'],
      ],
    );
    // Finalisation must not need the shard summaries (each carries a shard's whole vocabulary).
    for (const index of rowsOf.keys()) await store.delete(batchLayout.shardSummary(batchId, index));
    const out = await finalize();
    assert.equal(out.resultParts, 3);
    const manifest = JSON.parse((await store.get(out.manifestKey)).toString('utf8')) as {
      counts: { scored: number };
      parts: Array<{ key: string; rows: number; sha256: string }>;
    };
    assert.equal(manifest.counts.scored, 12);
    assert.deepEqual(
      manifest.parts.map((p) => [p.key, p.rows, p.sha256]),
      rowsOf.map((rows, i) => [`batches/${batchId}/results/part-${i}.jsonl`, rows, `sha-of-${i}`]),
    );
  });

  it('refuses to write a manifest when a range summary is missing', async () => {
    await store.delete(batchLayout.rangeSummary(batchId, 1));
    await assert.rejects(finalize(), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, ingestFailureTypes.reconciliationFailed);
      assert.match(err.message, /scored 8 != 12, shards 2 != 3/);
      return true;
    });
  });

  it('falls back to the shard summaries when a range summary lists no parts (written by the previous release)', async () => {
    const key = batchLayout.rangeSummary(batchId, 1);
    const { parts: _dropped, ...older } = JSON.parse((await store.get(key)).toString('utf8')) as RangeSummaryV1;
    await store.put(key, JSON.stringify(older));
    const out = await finalize();
    const manifest = JSON.parse((await store.get(out.manifestKey)).toString('utf8')) as { parts: Array<{ key: string; sha256: string }> };
    assert.deepEqual(
      manifest.parts.map((p) => p.sha256),
      rowsOf.map((_, i) => `sha-of-${i}`),
    );
  });
});

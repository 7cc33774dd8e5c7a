import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createPrepareSource, shouldAnnounce } from '../../../src/activities/ingest/prepare-source';
import type { PrepareSourceOutput } from '../../../src/activities/ingest/types';
import { ingestSignals, type ShardsStagedSignalV1 } from '../../../src/contracts/ingest-batch';
import { FsObjectStore } from '../../../src/storage/fs-object-store';

describe('prepareSource: announcing staged shards to the workflow', () => {
  it('announces the first shards one by one at once, then at most every interval once the staged shards doubled', () => {
    // The first four, each at once, however recent the last announcement.
    for (const announced of [0, 1, 2, 3]) assert.equal(shouldAnnounce(announced + 1, announced, 0, 250), true);
    // Nothing new staged: nothing to say.
    assert.equal(shouldAnnounce(3, 3, 10_000, 250), false);
    // Past the eager ones: not within the interval, not before the staged shards doubled (unless 30 s passed).
    assert.equal(shouldAnnounce(8, 4, 100, 250), false);
    assert.equal(shouldAnnounce(7, 4, 1_000, 250), false);
    assert.equal(shouldAnnounce(8, 4, 1_000, 250), true);
    assert.equal(shouldAnnounce(5, 4, 30_000, 250), true);
  });

  describe('over a real file', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'announce-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('signals the workflow for each of its first shards, so a second CPU slot does not wait for the next announcement', async () => {
      const store = new FsObjectStore(dir);
      const rows = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: `r${i}`, body: `review number ${i} arrived early` }));
      await store.put('raw/reviews.jsonl', rows.join('\n') + '\n');
      const signals: Array<{ workflowId: string; name: string; staged: ShardsStagedSignalV1 }> = [];
      const client = {
        // The SDK runs the activity inside this, binding the client's calls to its cancellation.
        withAbortSignal: <R>(_signal: AbortSignal, run: () => R): R => run(),
        workflow: {
          getHandle: (workflowId: string) => ({
            signal: async (name: string, staged: ShardsStagedSignalV1) => void signals.push({ workflowId, name, staged }),
          }),
        },
      } as unknown as Client;
      const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'ingest-b1', runId: 'run-1' } }, { client });
      const out: PrepareSourceOutput = await env.run(createPrepareSource(store), {
        batchId: 'b1',
        sourceIndex: 0,
        source: { key: 'raw/reviews.jsonl' },
        shardSize: 10,
        maxRecordBytes: 1 << 20,
        // Longer than the test: every announcement seen is an eager one.
        announceEveryMs: 60_000,
      });
      assert.ok(out.ok, JSON.stringify(out));
      assert.equal(out.shards, 10);
      assert.deepEqual(
        signals.map((s) => s.staged.shards),
        [1, 2, 3, 4],
      );
      assert.ok(signals.every((s) => s.workflowId === 'ingest-b1' && s.name === ingestSignals.shardsStaged && s.staged.sourceIndex === 0));
    });
  });
});

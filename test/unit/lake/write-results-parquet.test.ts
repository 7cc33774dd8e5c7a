import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createLakeActivities, lakeFailureTypes, lakeIndexKey, type LakeIndexV1 } from '../../../src/activities/lake';
import type { BatchManifest } from '../../../src/lake/manifest';
import { layout } from '../../../src/pipeline/layout';
import type { ResultRecord } from '../../../src/pipeline/records';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import type { ObjectInfo, PutOptions } from '../../../src/storage/object-store';

const batchId = 'lake-unit';
const rowsOf = [3, 5, 2, 4, 1];

function resultLine(part: number, row: number): string {
  const spam = ((part * 7 + row) % 10) / 10;
  const record: ResultRecord = {
    id: `p${part}-r${row}`,
    source: { key: 'raw/in.jsonl', line: part * 10 + row + 1 },
    label: row % 2 === 0 ? 'spam' : null,
    predictedLabel: spam >= 0.5 ? 'spam' : 'ham',
    probabilities: { ham: 1 - spam, spam },
    sentiment: { compound: 0.1, label: 'positive' },
    modelVersion: 'v1',
  };
  return JSON.stringify(record);
}

/** Counts the result parts being converted at once: from reading a part to writing its Parquet. */
class ConversionTracker extends FsObjectStore {
  inFlight = 0;
  maxInFlight = 0;
  partsRead: string[] = [];

  override async get(key: string): Promise<Buffer> {
    if (key.includes('/results/')) {
      this.partsRead.push(key);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    }
    return super.get(key);
  }

  override async put(key: string, body: string | Uint8Array, options?: PutOptions): Promise<ObjectInfo> {
    if (key.endsWith('.parquet')) this.inFlight--;
    return super.put(key, body, options);
  }
}

describe('writeResultsParquet (result parts to the data lake)', () => {
  let dir: string;
  let store: ConversionTracker;
  let manifest: BatchManifest;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lake-unit-'));
    store = new ConversionTracker(dir);
    const parts: BatchManifest['parts'] = [];
    for (const [index, rows] of rowsOf.entries()) {
      const key = layout.resultPart(batchId, index);
      const lines = Array.from({ length: rows }, (_, row) => resultLine(index, row));
      await store.put(key, lines.join('\n') + '\n');
      parts.push({ key, rows, sha256: `sha-${index}` });
    }
    manifest = {
      batchId,
      model: { name: 'lake-model', version: 'v1' },
      counts: { inputRows: 15, scored: 15, quarantined: 0, rejectedFiles: 0 },
      timings: { startedAt: '2026-12-03T01:02:03.000Z', finishedAt: '2026-12-03T01:02:09.000Z', durationSeconds: 6 },
      sources: [],
      rejectedFiles: [],
      parts,
    };
    await store.put(layout.manifest(batchId), JSON.stringify(manifest));
    store.partsRead = [];
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('converts two parts at a time and lists every part in the manifest order', async () => {
    const result = await new MockActivityEnvironment().run(createLakeActivities(store).writeResultsParquet, { batchId });
    assert.equal(store.maxInFlight, 2);
    assert.deepEqual(result, { indexKey: lakeIndexKey(batchId), rows: 15, parts: 5 });
    const index = JSON.parse((await store.get(lakeIndexKey(batchId))).toString()) as LakeIndexV1;
    assert.deepEqual(
      index.parts.map((p) => [p.from, p.rows]),
      manifest.parts.map((p) => [p.key, p.rows]),
    );
    const partition = { modelName: 'lake-model', dt: '2026-12-03', batchId };
    assert.deepEqual(
      index.parts.map((p) => p.key),
      rowsOf.map((_, shard) => layout.lakePart(partition, shard)),
    );
    for (const part of index.parts) assert.equal((await store.head(part.key))?.size, part.bytes);
  });

  it('converts one part at a time when told to', async () => {
    await new MockActivityEnvironment().run(createLakeActivities(store, 1).writeResultsParquet, { batchId });
    assert.equal(store.maxInFlight, 1);
  });

  it('resumes from the parts its last heartbeat named, whichever they were, and converts only the others', async () => {
    const partition = { modelName: 'lake-model', dt: '2026-12-03', batchId };
    // Parts 1 and 3 finished before the attempt died; 0 and 2 did not (conversions interleave).
    const done = [3, 1].map((shard) => ({
      key: layout.lakePart(partition, shard),
      rows: rowsOf[shard],
      bytes: 123,
      from: manifest.parts[shard].key,
    }));
    const env = new MockActivityEnvironment({ heartbeatDetails: { parts: done } });
    const beats: Array<{ parts: LakeIndexV1['parts'] }> = [];
    env.on('heartbeat', (d: { parts: LakeIndexV1['parts'] }) => beats.push(d));
    await env.run(createLakeActivities(store).writeResultsParquet, { batchId });
    assert.deepEqual(store.partsRead.sort(), [0, 2, 4].map((i) => manifest.parts[i].key).sort());
    const index = JSON.parse((await store.get(lakeIndexKey(batchId))).toString()) as LakeIndexV1;
    assert.deepEqual(
      index.parts.map((p) => p.from),
      manifest.parts.map((p) => p.key),
    );
    assert.deepEqual(index.parts[1], done[1]);
    assert.deepEqual(index.parts[3], done[0]);
    assert.equal(index.rows, 15);
    // The last heartbeat names every part: a retry after it converts nothing.
    assert.equal(beats.at(-1)?.parts.length, 5);
  });

  it('fails for good, naming the part, when a part holds other rows than the manifest says', async () => {
    manifest.parts[2].rows = 9;
    await store.put(layout.manifest(batchId), JSON.stringify(manifest));
    const failure = await new MockActivityEnvironment().run(createLakeActivities(store).writeResultsParquet, { batchId }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, lakeFailureTypes.rowMismatch);
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, new RegExp(`${manifest.parts[2].key}: 2 rows read, the manifest says 9`));
    await assert.rejects(store.get(lakeIndexKey(batchId)));
  });
});

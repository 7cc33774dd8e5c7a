import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createComputeBatchStatistics } from '../../../src/activities/drift/batch-statistics';
import { DEFAULT_BASELINE_OPTIONS } from '../../../src/activities/drift/baseline';
import { permanentFailureTypes } from '../../../src/jobs/task-errors';
import { ModelRegistry } from '../../../src/model';
import { encodeProcessedLine } from '../../../src/pipeline/processed-line';
import { cleanDocument } from '../../../src/text';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import { seedModel } from '../../helpers/seed-model';

describe('computeBatchStatistics on processed shards it cannot read', function () {
  this.timeout(60_000);
  let dir: string;
  let store: FsObjectStore;
  let registry: ModelRegistry;
  let modelVersion: string;
  const key = 'processed/bad-batch/part-00000.jsonl';

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'batch-stats-'));
    store = new FsObjectStore(dir);
    registry = new ModelRegistry(store);
    modelVersion = await seedModel(registry, 'stats', 200);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  function goodLine(id: string): string {
    const clean = cleanDocument({ title: 'Invoice', body: 'Your invoice for the order is attached, thanks' });
    return encodeProcessedLine({
      id,
      source: { key: 'raw/in.jsonl', line: 1 },
      label: 'ham',
      text_clean: clean.textClean,
      tokens: clean.tokens,
      tokens_nostop: clean.tokensNoStop,
      stems: clean.stems,
      sentiment: clean.sentiment,
      language: 'en',
    });
  }

  async function failureFor(secondLine: string): Promise<unknown> {
    await store.put(key, `${goodLine('a')}\n${secondLine}\n`);
    const run = createComputeBatchStatistics(store, registry, DEFAULT_BASELINE_OPTIONS);
    return new MockActivityEnvironment()
      .run(run, { batchId: 'bad-batch', modelName: 'stats', modelVersion, processedKeys: [key], resultKeys: [], quarantined: 0 })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
  }

  it('fails for good, naming the record, on a v2 line whose parts disagree', async () => {
    const broken = JSON.parse(goodLine('b')) as { kept: string };
    broken.kept = broken.kept.slice(1);
    const failure = await failureFor(JSON.stringify(broken));
    assert.ok(failure instanceof ApplicationFailure, String(failure));
    assert.equal(failure.type, permanentFailureTypes.invalidTaskInput);
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, new RegExp(`${key} record 2: not a processed record \\(kept has \\d+ marks for \\d+ tokens\\)`));
  });

  it('fails for good, naming the record, on a line that is JSON but no processed record', async () => {
    const failure = await failureFor(JSON.stringify({ id: 'c', text: 'raw text, never cleaned' }));
    assert.ok(failure instanceof ApplicationFailure, String(failure));
    assert.equal(failure.type, permanentFailureTypes.invalidTaskInput);
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, new RegExp(`${key} record 2: not a processed record`));
  });

  it('fails for good, naming the line, on a line that is not JSON', async () => {
    const failure = await failureFor('{"v":2,"id":"d","text_clean":');
    assert.ok(failure instanceof ApplicationFailure, String(failure));
    assert.equal(failure.type, permanentFailureTypes.invalidTaskInput);
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, new RegExp(`${key}: line 2 is not valid JSON`));
  });
});

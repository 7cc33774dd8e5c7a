import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DEFAULT_TRAINING_CONFIG,
  ModelArtifactError,
  ModelRegistry,
  TextClassifier,
  toLabelledDoc,
  trainModel,
  type ModelArtifacts,
  type NaiveBayesModelDocument,
} from '../../../src/model';
import { syntheticCorpus } from '../../../src/model/datasets/synthetic';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import { PreconditionFailedError } from '../../../src/storage/object-store';

describe('model artifacts and registry', () => {
  let dir: string;
  let store: FsObjectStore;
  let registry: ModelRegistry;
  let artifacts: ModelArtifacts;
  let original: TextClassifier;
  const probe = [...syntheticCorpus(30, { seed: 5 })];

  before(async () => {
    const corpus = [...syntheticCorpus(300, { seed: 4 })].map((r) => toLabelledDoc(r, DEFAULT_TRAINING_CONFIG));
    original = (await trainModel(() => [corpus], DEFAULT_TRAINING_CONFIG)).classifier;
    artifacts = original.toArtifacts();
  });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'registry-test-'));
    store = new FsObjectStore(dir);
    registry = new ModelRegistry(store);
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('round-trips artifacts through JSON with identical predictions', () => {
    const copy = JSON.parse(JSON.stringify(artifacts)) as ModelArtifacts;
    const loaded = TextClassifier.fromArtifacts(copy);
    assert.deepEqual(loaded.labels, original.labels);
    assert.deepEqual(loaded.config, original.config);
    for (const record of probe) assert.deepEqual(loaded.predictRecord(record), original.predictRecord(record));
  });

  it('saves versions v1, v2, ... and never reuses a number, even under concurrency or after a crash', async () => {
    assert.deepEqual(await registry.saveVersion('spam', artifacts, { accuracy: 0.9 }), { version: 'v1' });
    assert.deepEqual(await registry.saveVersion('spam', artifacts, { accuracy: 0.91 }), { version: 'v2' });
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => registry.saveVersion('spam', artifacts, {})));
    assert.deepEqual(concurrent.map((r) => r.version).sort(), ['v3', 'v4', 'v5', 'v6']);
    // A save that died after claiming v7: the number stays taken and the version incomplete.
    await store.put('models/spam/v7/config.json', JSON.stringify(artifacts.config));
    assert.deepEqual(await registry.saveVersion('spam', artifacts, {}), { version: 'v8' });
    const versions = await registry.listVersions('spam');
    assert.deepEqual(
      versions.map((v) => `${v.version}:${v.complete}`),
      ['v1:true', 'v2:true', 'v3:true', 'v4:true', 'v5:true', 'v6:true', 'v7:false', 'v8:true'],
    );
    assert.deepEqual(await registry.metrics('spam', 'v2'), { schemaVersion: 1, accuracy: 0.91 });
    assert.deepEqual(await registry.listVersions('other'), []);
  });

  it('loads a saved version that predicts like the trained model', async () => {
    const { version } = await registry.saveVersion('spam', artifacts, {});
    const loaded = await registry.load('spam', version);
    for (const record of probe) assert.deepEqual(loaded.predictRecord(record), original.predictRecord(record));
    await assert.rejects(
      registry.load('spam', 'v9'),
      (err: unknown) => err instanceof ModelArtifactError && /models\/spam\/v9\/.*missing/.test(err.message),
    );
    assert.throws(() => registry.versionKeys('spam', 'latest'), /invalid model version/);
    assert.throws(() => registry.versionKeys('../x', 'v1'), /invalid model name/);
  });

  it('promotes with compare-and-set on latest.json: a stale etag fails', async () => {
    await registry.saveVersion('spam', artifacts, {});
    await registry.saveVersion('spam', artifacts, {});
    assert.equal(await registry.latest('spam'), undefined);
    await registry.promote('spam', 'v1', { reason: 'first model' });
    const first = await registry.latest('spam');
    assert.equal(first?.version, 'v1');
    assert.equal(first?.reason, 'first model');
    assert.equal(first?.previousVersion, null);

    await registry.promote('spam', 'v2', { expectedEtag: first?.etag, reason: 'better f1' });
    const second = await registry.latest('spam');
    assert.equal(second?.version, 'v2');
    assert.equal(second?.previousVersion, 'v1');
    assert.notEqual(second?.etag, first?.etag);

    // A writer still holding the first etag lost the race.
    await assert.rejects(registry.promote('spam', 'v1', { expectedEtag: first?.etag, reason: 'rollback' }), PreconditionFailedError);
    assert.equal((await registry.latest('spam'))?.version, 'v2');

    // Two promotions racing from the same read: exactly one wins.
    const outcomes = await Promise.allSettled([
      registry.promote('spam', 'v1', { expectedEtag: second?.etag, reason: 'a' }),
      registry.promote('spam', 'v1', { expectedEtag: second?.etag, reason: 'b' }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);

    // expectedEtag null: "there was no champion when I decided", so an existing pointer wins.
    await assert.rejects(registry.promote('spam', 'v2', { expectedEtag: null, reason: 'first?' }), PreconditionFailedError);
    // The promotion id is recorded, so a retry can tell its own earlier write from someone else's.
    const current = await registry.latest('spam');
    await registry.promote('spam', 'v2', { expectedEtag: current?.etag, reason: 'with id', promotionId: 'wf/run/7' });
    assert.equal((await registry.latest('spam'))?.promotionId, 'wf/run/7');
  });

  it('refuses to promote an incomplete version', async () => {
    await store.put('models/spam/v1/config.json', JSON.stringify(artifacts.config));
    await assert.rejects(registry.promote('spam', 'v1', { reason: 'x' }), /incomplete version.*model\.json/);
  });

  describe('corrupt artifacts', () => {
    async function saveWith(edit: (a: ModelArtifacts) => void): Promise<void> {
      const copy = JSON.parse(JSON.stringify(artifacts)) as ModelArtifacts;
      edit(copy);
      await registry.saveVersion('spam', copy, {});
    }

    const rejectsNaming = (key: string, pattern: RegExp) => (err: unknown) =>
      err instanceof ModelArtifactError && err.message.includes(key) && pattern.test(err.message);

    it('names the key of a file that is not JSON', async () => {
      await registry.saveVersion('spam', artifacts, {});
      await store.put('models/spam/v1/model.json', '{"schemaVersion": 1, "labels": [');
      await assert.rejects(registry.load('spam', 'v1'), rejectsNaming('models/spam/v1/model.json', /not valid JSON/));
    });

    it('names the key of a missing file', async () => {
      await registry.saveVersion('spam', artifacts, {});
      await store.delete('models/spam/v1/preprocessor.json');
      await assert.rejects(registry.load('spam', 'v1'), rejectsNaming('models/spam/v1/preprocessor.json', /missing/));
    });

    it('rejects another schema version', async () => {
      await saveWith((a) => (a.model.schemaVersion = 2));
      await assert.rejects(registry.load('spam', 'v1'), rejectsNaming('models/spam/v1/model.json', /schemaVersion 2 is not supported/));
    });

    it('rejects inconsistent shapes and values', async () => {
      await saveWith((a) => (a.model as NaiveBayesModelDocument).featureCounts[0].pop());
      await assert.rejects(registry.load('spam', 'v1'), rejectsNaming('model.json', /featureCounts\[0\] has/));
      await saveWith((a) => ((a.preprocessor.idf as number[])[3] += 0.5));
      await assert.rejects(registry.load('spam', 'v2'), rejectsNaming('preprocessor.json', /idf does not match/));
      await saveWith((a) => (a.config.training.vectorizer.minDf = 7));
      await assert.rejects(registry.load('spam', 'v3'), rejectsNaming('preprocessor.json', /differ from/));
      await saveWith((a) => ((a.model as unknown as Record<string, unknown>).labels = 'spam'));
      await assert.rejects(registry.load('spam', 'v4'), rejectsNaming('model.json', /labels/));
    });

    it('reports a corrupt latest.json, and a promotion repairs it', async () => {
      await registry.saveVersion('spam', artifacts, {});
      await store.put('models/spam/latest.json', 'not json');
      await assert.rejects(registry.latest('spam'), rejectsNaming('models/spam/latest.json', /not valid JSON/));
      await registry.promote('spam', 'v1', { reason: 'repair' });
      assert.equal((await registry.latest('spam'))?.version, 'v1');
    });
  });
});

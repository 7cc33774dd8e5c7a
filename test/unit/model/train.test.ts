import assert from 'node:assert/strict';
import { cleanDocument } from '../../../src/text';
import {
  DEFAULT_TRAINING_CONFIG,
  recordFeatures,
  resolveTrainingConfig,
  toLabelledDoc,
  trainModel,
  type LabelledDoc,
} from '../../../src/model';
import { syntheticCorpus } from '../../../src/model/datasets/synthetic';
import { docs } from './helpers';

const config = resolveTrainingConfig({ vectorizer: { minDf: 1 } });

async function* asyncShards(all: LabelledDoc[], size: number): AsyncIterable<LabelledDoc[]> {
  for (let i = 0; i < all.length; i += size) {
    await new Promise((resolve) => setImmediate(resolve));
    yield all.slice(i, i + size);
  }
}

describe('training', () => {
  const corpus = [...syntheticCorpus(400, { seed: 3 })].map((record) => toLabelledDoc(record, DEFAULT_TRAINING_CONFIG));

  it('gives the same model from many async shards as from one array', async () => {
    const whole = await trainModel(() => [corpus], DEFAULT_TRAINING_CONFIG);
    const sharded = await trainModel(() => asyncShards(corpus, 37), DEFAULT_TRAINING_CONFIG);
    assert.deepEqual(sharded.stats, whole.stats);
    const a = whole.classifier.toArtifacts();
    const b = sharded.classifier.toArtifacts();
    assert.deepEqual({ ...b.model, trainedAt: '' }, { ...a.model, trainedAt: '' });
    assert.deepEqual(b.preprocessor.terms, a.preprocessor.terms);
    assert.equal(whole.stats.documents, 400);
    assert.deepEqual(Object.keys(whole.stats.labelCounts), whole.classifier.labels);
  });

  it('reads the shards once when the first pass keeps every document, with the same model as two reads', async () => {
    const configs = [
      DEFAULT_TRAINING_CONFIG,
      resolveTrainingConfig({ vectorizer: { ngramRange: [1, 3], minDf: 0.02, maxDf: 0.9, norm: 'l1', binary: true } }),
      resolveTrainingConfig({ vectorizer: { ngramRange: [2, 2], maxFeatures: 50, useIdf: false, sublinearTf: false } }),
      resolveTrainingConfig({ classifier: { variant: 'complement' } }),
      resolveTrainingConfig({ classifier: { variant: 'logistic', maxIter: 20 } }),
    ];
    for (const cfg of configs) {
      let reads = 0;
      const counted = () => {
        reads++;
        return asyncShards(corpus, 37);
      };
      const once = await trainModel(counted, cfg);
      assert.equal(reads, 1);
      const twice = await trainModel(counted, cfg, { firstPassCountsLimit: 0 });
      assert.equal(reads, 3);
      // Too small a bound for this corpus: abandoned during the first pass, then a second read.
      const overflowing = await trainModel(counted, cfg, { firstPassCountsLimit: 5_000 });
      assert.equal(reads, 5);
      const a = once.classifier.toArtifacts();
      for (const other of [twice, overflowing]) {
        assert.deepEqual(other.stats, once.stats);
        const b = other.classifier.toArtifacts();
        assert.deepEqual({ ...b.model, trainedAt: '' }, { ...a.model, trainedAt: '' });
        assert.deepEqual(b.preprocessor, a.preprocessor);
      }
    }
    await assert.rejects(
      trainModel(() => [corpus], config, { firstPassCountsLimit: -1 }),
      /firstPassCountsLimit/,
    );
    await assert.rejects(
      trainModel(() => [corpus], config, { firstPassCountsLimit: NaN }),
      /firstPassCountsLimit/,
    );
  });

  it('reads the shards again when the first pass prunes its candidates, whatever the bound on kept counts', async () => {
    const bounded = resolveTrainingConfig({ vectorizer: { maxCandidateTerms: 1_000 } });
    let reads = 0;
    const counted = () => {
      reads++;
      return [corpus];
    };
    const pruned = await trainModel(counted, bounded, { firstPassCountsLimit: 1e9 });
    assert.ok(pruned.stats.prunedDfThreshold > 0, 'the corpus must overflow 1,000 candidates');
    assert.equal(reads, 2);
    const reference = await trainModel(counted, bounded, { firstPassCountsLimit: 0 });
    const a = reference.classifier.toArtifacts();
    const b = pruned.classifier.toArtifacts();
    assert.deepEqual({ ...b.model, trainedAt: '' }, { ...a.model, trainedAt: '' });
    assert.deepEqual(b.preprocessor, a.preprocessor);
  });

  it('refuses shards that do not replay the same documents when it reads them twice', async () => {
    const twice = { firstPassCountsLimit: 0 };
    let call = 0;
    const drifting = () => [call++ === 0 ? corpus : corpus.slice(1)];
    await assert.rejects(trainModel(drifting, config, twice), /must replay the same documents/);
    let round = 0;
    const newLabel = () => [round++ === 0 ? corpus : [...corpus.slice(1), { features: ['x'], label: 'surprise' }]];
    await assert.rejects(trainModel(newLabel, config, twice), /second pass/);
  });

  it('explains empty training sets and empty vocabularies', async () => {
    await assert.rejects(
      trainModel(() => [[]], config),
      /zero documents/,
    );
    const rare = resolveTrainingConfig({ vectorizer: { minDf: 2 } });
    await assert.rejects(
      trainModel(() => [docs(['a', 'x y'], ['b', 'z w'], ['a', 'p q'])], rare),
      /no terms left/,
    );
    // As sklearn: a maxDf below minDf is a configuration error, not an empty vocabulary.
    await assert.rejects(
      trainModel(() => [docs(['a', 'x'], ['b', 'x'])], resolveTrainingConfig({ vectorizer: { minDf: 5 } })),
      /fewer documents than minDf/,
    );
  });

  it('featurises raw records for training and scoring identically', async () => {
    const record = { title: 'Refund', body: "I wasn't charged twice, the invoice is wrong!", label: 'billing' };
    for (const features of ['stems', 'tokensNoStop', 'tokens'] as const) {
      const cfg = resolveTrainingConfig({ features });
      assert.deepEqual(recordFeatures(record, cfg), cleanDocument(record, cfg.text)[features]);
      assert.deepEqual(toLabelledDoc(record, cfg), { features: cleanDocument(record, cfg.text)[features], label: 'billing' });
    }
    const { classifier } = await trainModel(() => [corpus], DEFAULT_TRAINING_CONFIG);
    const raw = [...syntheticCorpus(5, { seed: 99 })];
    for (const r of raw) assert.deepEqual(classifier.predictRecord(r), classifier.predict(recordFeatures(r, classifier.config)));
  });

  it('learns the synthetic topics', async () => {
    const { classifier } = await trainModel(() => [corpus], DEFAULT_TRAINING_CONFIG);
    const held = [...syntheticCorpus(600, { seed: 3 })].slice(400).map((r) => toLabelledDoc(r, DEFAULT_TRAINING_CONFIG));
    const correct = held.filter((doc) => classifier.predictLabel(doc.features) === doc.label).length;
    assert.ok(correct / held.length > 0.7, `accuracy ${correct / held.length}`);
  });
});

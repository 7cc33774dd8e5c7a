import assert from 'node:assert/strict';
import {
  DEFAULT_TRAINING_CONFIG,
  resolveTrainingConfig,
  toLabelledDoc,
  trainModel,
  type LabelledDoc,
  type TrainingConfig,
} from '../../../src/model';
import { CountPass, fitVocabulary } from '../../../src/training/resumable-fit';
import { sampleMessages } from '../../helpers/corpus';

function shardsOf(docs: LabelledDoc[], size: number): LabelledDoc[][] {
  const shards: LabelledDoc[][] = [];
  for (let i = 0; i < docs.length; i += size) shards.push(docs.slice(i, i + size));
  return shards;
}

async function* each<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

const withoutTrainedAt = (artifacts: ReturnType<import('../../../src/model').TextClassifier['toArtifacts']>) => ({
  ...artifacts,
  model: { ...artifacts.model, trainedAt: '' },
});

describe('resumable fit (vocabulary pass, then class sums shard by shard)', function () {
  this.timeout(60_000);
  const messages = sampleMessages(240, 300);
  const configs: Array<[string, TrainingConfig]> = [
    ['the default config', DEFAULT_TRAINING_CONFIG],
    [
      'complement NB, unigrams, capped features',
      resolveTrainingConfig({
        vectorizer: { ngramRange: [1, 1], maxFeatures: 500, minDf: 1 },
        classifier: { variant: 'complement', alpha: 0.5 },
      }),
    ],
  ];

  for (const [name, config] of configs) {
    it(`equals trainModel's model with ${name}, from scratch and resumed after any shard`, async () => {
      const docs = messages.map((m) => toLabelledDoc({ title: m.subject, body: m.body, label: m.label }, config));
      const shards = shardsOf(docs, 50);
      const reference = await trainModel(() => shards, config);

      const vocabulary = await fitVocabulary(
        () => each(shards),
        () => each(shards.map((s) => s.map((d) => d.label))),
        config,
        () => new Date('2030-01-01T00:00:00Z'),
      );
      // What a checkpoint goes through: JSON.
      const restored = JSON.parse(JSON.stringify(vocabulary));

      const straight = new CountPass(config, restored);
      for (const shard of shards) straight.addShard(shard);
      const fitted = await straight.finish();
      assert.deepEqual(withoutTrainedAt(fitted.classifier.toArtifacts()), withoutTrainedAt(reference.classifier.toArtifacts()));
      assert.deepEqual(fitted.stats, reference.stats);
      assert.equal(fitted.classifier.trainedAt, '2030-01-01T00:00:00.000Z');

      for (let stop = 1; stop < shards.length; stop++) {
        const first = new CountPass(config, restored);
        for (const shard of shards.slice(0, stop)) first.addShard(shard);
        const snapshot = Buffer.from(first.snapshot()); // as read back from a store
        const resumed = new CountPass(config, JSON.parse(JSON.stringify(vocabulary)), { shardsDone: stop, snapshot });
        assert.equal(resumed.shardsDone, stop);
        for (const shard of shards.slice(stop)) resumed.addShard(shard);
        const model = (await resumed.finish()).classifier;
        assert.deepEqual(model.toArtifacts(), fitted.classifier.toArtifacts(), `resumed after shard ${stop}`);
        for (const doc of docs.slice(0, 20)) assert.deepEqual(model.predict(doc.features), reference.classifier.predict(doc.features));
      }
    });
  }

  it('fits only the vocabulary: one read of the documents and a label-only pass, no class sums', async () => {
    // A linear config: had trainModel fitted its classes here, the vocabulary pass would run the
    // optimiser over the whole training set only to throw the model away (CountPass fits it).
    const config = resolveTrainingConfig({ classifier: { variant: 'logistic' } });
    const docs = messages.map((m) => toLabelledDoc({ title: m.subject, body: m.body, label: m.label }, config));
    let documentReads = 0;
    let labelReads = 0;
    await fitVocabulary(
      () => (documentReads++, each(shardsOf(docs, 50))),
      () => (labelReads++, each(shardsOf(docs, 50).map((s) => s.map((d) => d.label)))),
      config,
    );
    assert.equal(documentReads, 1);
    assert.equal(labelReads, 1, 'the second pass did not go through the feature-less labels');
  });

  it('refuses a snapshot of the wrong size and shards that changed between passes', async () => {
    const config = DEFAULT_TRAINING_CONFIG;
    const docs = messages.slice(0, 60).map((m) => toLabelledDoc({ title: m.subject, body: m.body, label: m.label }, config));
    const vocabulary = await fitVocabulary(
      () => each([docs]),
      () => each([docs.map((d) => d.label)]),
      config,
    );
    assert.throws(() => new CountPass(config, vocabulary, { shardsDone: 1, snapshot: new Uint8Array(16) }), /snapshot has 16 bytes/);
    const pass = new CountPass(config, vocabulary);
    pass.addShard(docs.slice(1));
    await assert.rejects(pass.finish(), /shards changed between passes/);
    assert.throws(
      () => new CountPass(config, vocabulary).addShard([{ features: ['x'], label: 'eggs' }]),
      /not seen by the vocabulary pass/,
    );
  });
});

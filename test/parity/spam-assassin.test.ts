import assert from 'node:assert/strict';
import {
  COUNT_DEFAULTS,
  DEFAULT_TRAINING_CONFIG,
  resolveTrainingConfig,
  stratifiedSplit,
  trainModel,
  type NaiveBayesOptions,
  type TrainingConfig,
} from '../../src/model';
import { runSklearn } from './sklearn';
import { spamAssassinDocs } from './spam-corpus';

const configs: { name: string; config: TrainingConfig }[] = [
  { name: 'default (sublinear TF-IDF 1-2 grams, MultinomialNB)', config: DEFAULT_TRAINING_CONFIG },
  {
    name: 'CountVectorizer + MultinomialNB(alpha=1)',
    config: resolveTrainingConfig({ vectorizer: COUNT_DEFAULTS, classifier: { variant: 'multinomial', alpha: 1, fitPrior: true } }),
  },
  {
    name: 'CountVectorizer + ComplementNB(alpha=0.3)',
    config: resolveTrainingConfig({ vectorizer: COUNT_DEFAULTS, classifier: { variant: 'complement', alpha: 0.3, fitPrior: true } }),
  },
];

describe('parity: scikit-learn on SpamAssassin bodies (same tokens, same 80/20 split)', function () {
  this.timeout(120_000);

  it('agrees on >= 99.5% of test predictions and on accuracy within 0.3 points', async () => {
    const docs = spamAssassinDocs();
    const { train, test } = stratifiedSplit(
      docs.map((d) => d.label),
      0.2,
      7,
    );
    const trainDocs = train.map((i) => docs[i]);
    const testDocs = test.map((i) => docs[i]);
    const sklearn = await runSklearn({
      train: { docs: trainDocs.map((d) => d.features), labels: trainDocs.map((d) => d.label) },
      test: { docs: testDocs.map((d) => d.features), labels: testDocs.map((d) => d.label) },
      configs: configs.map(({ config }) => ({ vectorizer: config.vectorizer, classifier: config.classifier as NaiveBayesOptions })),
    });
    for (const [index, { name, config }] of configs.entries()) {
      const sk = sklearn[index];
      const { classifier, stats } = await trainModel(() => [trainDocs], config);
      assert.equal(stats.vocabularySize, sk.vocabularySize, `${name}: vocabulary size`);
      let agree = 0;
      let correct = 0;
      let maxProbabilityGap = 0;
      testDocs.forEach((doc, i) => {
        const ours = classifier.predict(doc.features);
        if (ours.label === sk.predictions[i]) agree++;
        if (ours.label === doc.label) correct++;
        sk.classes.forEach(
          (label, c) => (maxProbabilityGap = Math.max(maxProbabilityGap, Math.abs(ours.probabilities[label] - sk.probabilities[i][c]))),
        );
      });
      const agreement = agree / testDocs.length;
      const accuracy = correct / testDocs.length;
      assert.ok(agreement >= 0.995, `${name}: agreement ${agreement}`);
      assert.ok(Math.abs(accuracy - sk.accuracy) <= 0.003, `${name}: accuracy ${accuracy} vs sklearn ${sk.accuracy}`);
      // Same formulas and tokens: only floating-point summation order differs.
      assert.ok(maxProbabilityGap < 1e-6, `${name}: max probability gap ${maxProbabilityGap}`);
    }
  });
});

import assert from 'node:assert/strict';
import {
  createRng,
  resolveTrainingConfig,
  shuffleInPlace,
  stratifiedSplit,
  trainModel,
  type LabelledDoc,
  type LinearModel,
  type TrainingConfig,
  type VectorizerOptions,
} from '../../src/model';
import { runSklearnLinear, type SklearnLinearResult } from './sklearn';
import { spamAssassinDocs, spamAssassinThreeClasses } from './spam-corpus';

/*
 * The linear models against scikit-learn 1.9.1 in the same run: LogisticRegression(lbfgs) and
 * CalibratedClassifierCV(SGDClassifier(loss='hinge'), method='sigmoid', ensemble=False).
 *
 * Stated tolerances (fixture: 400 SpamAssassin bodies, unigram TF-IDF, 8,023 terms):
 *  - logistic regression, both sides run to a gradient of 1e-10: coefficients and intercepts
 *    within 1e-5, probabilities within 1e-6 (two solvers converging to the same optimum);
 *  - linear SVM without shuffling (the same row order on both sides): coefficients and intercepts
 *    within 1e-12 (the same SGD steps in the same floating-point order), Platt's (a, b) within
 *    1e-6 and probabilities within 1e-6 (scikit-learn stops its sigmoid fit at a gradient of 1e-6;
 *    ours goes to the optimum).
 * On the whole corpus: at least 99% equal predictions and accuracy within half a point.
 */

const unigrams: Partial<VectorizerOptions> = { ngramRange: [1, 1], minDf: 1, maxDf: 1, maxFeatures: null, sublinearTf: false, norm: 'l2' };

function fixture(docs: LabelledDoc[]): { train: LabelledDoc[]; test: LabelledDoc[] } {
  const sample = docs.filter((_, i) => i % 15 === 0);
  return { train: sample.slice(0, 300), test: sample.slice(300) };
}

async function compare(train: LabelledDoc[], test: LabelledDoc[], configs: TrainingConfig[], details: boolean) {
  const results = await runSklearnLinear({
    train: { docs: train.map((d) => d.features), labels: train.map((d) => d.label) },
    test: { docs: test.map((d) => d.features), labels: test.map((d) => d.label) },
    configs: configs.map((c) => ({ vectorizer: c.vectorizer, classifier: c.classifier })),
    details,
  });
  return Promise.all(
    configs.map(async (config, i) => ({ config, sk: results[i], classifier: (await trainModel(() => [train], config)).classifier })),
  );
}

function maxGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let gap = 0;
  for (let i = 0; i < a.length; i++) gap = Math.max(gap, Math.abs(a[i] - b[i]));
  return gap;
}

function parameterGaps(model: LinearModel, terms: readonly string[], sk: SklearnLinearResult) {
  const coefficients = sk.coefficients as Record<string, number[]>;
  let coefficient = 0;
  terms.forEach((term, j) => {
    assert.ok(term in coefficients, `${JSON.stringify(term)} missing from scikit-learn's vocabulary`);
    for (let c = 0; c < model.columns; c++) coefficient = Math.max(coefficient, Math.abs(model.weight(j, c) - coefficients[term][c]));
  });
  return { coefficient, intercept: maxGap(model.intercepts, sk.intercepts as number[]) };
}

function predictionGaps(classifier: Awaited<ReturnType<typeof trainModel>>['classifier'], test: LabelledDoc[], sk: SklearnLinearResult) {
  let probability = 0;
  let agree = 0;
  let correct = 0;
  test.forEach((doc, i) => {
    const ours = classifier.predict(doc.features);
    if (ours.label === sk.predictions[i]) agree++;
    if (ours.label === doc.label) correct++;
    assert.equal(classifier.predictLabel(doc.features), ours.label);
    sk.classes.forEach((label, c) => (probability = Math.max(probability, Math.abs(ours.probabilities[label] - sk.probabilities[i][c]))));
  });
  return { probability, agreement: agree / test.length, accuracy: correct / test.length };
}

describe('parity: linear models against scikit-learn (computed in the same run)', function () {
  this.timeout(240_000);

  for (const [name, corpus] of [
    ['two classes', spamAssassinDocs],
    ['three classes', spamAssassinThreeClasses],
  ] as const) {
    it(`fixture, ${name}: logistic regression coefficients to 1e-5, SVM coefficients to 1e-12, probabilities to 1e-6`, async () => {
      const { train, test } = fixture(corpus());
      const runs = await compare(
        train,
        test,
        [
          resolveTrainingConfig({ vectorizer: unigrams, classifier: { variant: 'logistic', C: 10, tol: 1e-10, maxIter: 5000 } }),
          resolveTrainingConfig({ vectorizer: unigrams, classifier: { variant: 'svm', alpha: 1e-4, shuffle: false, calibrationFolds: 3 } }),
        ],
        true,
      );
      for (const { config, sk, classifier } of runs) {
        const variant = config.classifier.variant;
        const model = classifier.model as LinearModel;
        assert.deepEqual(sk.classes, classifier.labels);
        assert.equal(classifier.vectorizer.featureCount, sk.vocabularySize);
        const parameters = parameterGaps(model, classifier.vectorizer.terms, sk);
        const predictions = predictionGaps(classifier, test, sk);
        assert.equal(predictions.agreement, 1, `${variant}: predictions`);
        assert.ok(predictions.probability < 1e-6, `${variant}: probability gap ${predictions.probability}`);
        if (variant === 'logistic') {
          assert.ok(parameters.coefficient < 1e-5, `logistic: coefficient gap ${parameters.coefficient}`);
          assert.ok(parameters.intercept < 1e-5, `logistic: intercept gap ${parameters.intercept}`);
        } else {
          assert.ok(parameters.coefficient < 1e-12, `svm: coefficient gap ${parameters.coefficient}`);
          assert.ok(parameters.intercept < 1e-12, `svm: intercept gap ${parameters.intercept}`);
          const calibration = (sk.calibration as number[][]).flat();
          assert.ok(
            maxGap(model.calibration as Float64Array, calibration) < 1e-6,
            `svm: calibration ${model.calibration} vs ${calibration}`,
          );
        }
      }
    });
  }

  it('SpamAssassin, default vectorizer: >= 99% equal predictions, accuracy within 0.5 points', async () => {
    const docs = spamAssassinDocs();
    const { train, test } = stratifiedSplit(
      docs.map((d) => d.label),
      0.2,
      7,
    );
    // One random row order for both sides: rows sorted by folder are hard on unshuffled SGD.
    const order = shuffleInPlace([...train], createRng(11)).map((i) => docs[i]);
    const runs = await compare(
      order,
      test.map((i) => docs[i]),
      [
        resolveTrainingConfig({ classifier: { variant: 'logistic', C: 10 } }),
        resolveTrainingConfig({ classifier: { variant: 'svm', alpha: 1e-5, shuffle: false } }),
        // Shuffled on both sides, each with its own generator: the same algorithm, other row orders.
        resolveTrainingConfig({ classifier: { variant: 'svm', alpha: 1e-5, shuffle: true } }),
      ],
      false,
    );
    for (const { config, sk, classifier } of runs) {
      const label = `${config.classifier.variant}${'shuffle' in config.classifier && config.classifier.shuffle ? ' (shuffled)' : ''}`;
      const { agreement, accuracy } = predictionGaps(
        classifier,
        test.map((i) => docs[i]),
        sk,
      );
      assert.ok(agreement >= 0.99, `${label}: agreement ${agreement}`);
      assert.ok(Math.abs(accuracy - sk.accuracy) <= 0.005, `${label}: accuracy ${accuracy} vs scikit-learn ${sk.accuracy}`);
      assert.ok(accuracy >= 0.97, `${label}: accuracy ${accuracy}`);
    }
  });
});

import assert from 'node:assert/strict';
import { MultinomialNB } from 'ml-naivebayes';
import {
  COUNT_DEFAULTS,
  logSumExp,
  probabilitiesFromLogScores,
  resolveTrainingConfig,
  trainModel,
  type NaiveBayesModel,
} from '../../../src/model';
import { assertClose, docs } from './helpers';

const corpus = docs(
  ['0', 'cheap pills buy now cheap'],
  ['0', 'buy cheap watches now'],
  ['1', 'meeting agenda for monday'],
  ['1', 'notes from the monday meeting'],
  ['2', 'football scores tonight'],
  ['2', 'tonight football final scores scores'],
);

const countsConfig = (alpha: number, variant: 'multinomial' | 'complement' = 'multinomial', fitPrior = true) =>
  resolveTrainingConfig({ features: 'tokens', vectorizer: COUNT_DEFAULTS, classifier: { variant, alpha, fitPrior } });

describe('naive Bayes', () => {
  it('has the same log probabilities as ml-naivebayes (MultinomialNB, alpha = 1, counts)', async () => {
    const { classifier } = await trainModel(() => [corpus], countsConfig(1));
    const v = classifier.vectorizer.featureCount;
    const dense = corpus.map((doc) => {
      const x = new Array<number>(v).fill(0);
      for (const [j, value] of classifier.vectorizer.transform(doc.features).toMap()) x[j] = value;
      return x;
    });
    const reference = new MultinomialNB();
    reference.train(
      dense,
      corpus.map((doc) => Number(doc.label)),
    );
    const k = classifier.labels.length;
    assert.deepEqual(classifier.labels, ['0', '1', '2']);
    const json = reference.toJSON();
    for (let c = 0; c < k; c++) {
      assertClose((classifier.model as NaiveBayesModel).classLogPrior[c], json.priorProbability.get(c, 0), 1e-12, `prior ${c}`);
      for (let j = 0; j < v; j++) {
        assertClose(
          (classifier.model as NaiveBayesModel).featureLogProb[j * k + c],
          json.conditionalProbability.get(c, j),
          1e-12,
          `log P(${classifier.vectorizer.terms[j]} | ${c})`,
        );
      }
    }
    const probe = ['cheap meeting tonight scores', 'buy now', 'monday agenda'].map((t) => t.split(' '));
    const theirs = reference.predict(
      probe.map((tokens) => {
        const x = new Array<number>(v).fill(0);
        for (const [j, value] of classifier.vectorizer.transform(tokens).toMap()) x[j] = value;
        return x;
      }),
    );
    assert.deepEqual(
      probe.map((tokens) => classifier.predict(tokens).label),
      theirs.map(String),
    );
  });

  it('supports any number of string labels and returns normalised probabilities', async () => {
    const named = corpus.map((doc) => ({ ...doc, label: ['spam', 'work', 'sport'][Number(doc.label)] }));
    const { classifier } = await trainModel(() => [named], countsConfig(0.5));
    assert.deepEqual(classifier.labels, ['spam', 'sport', 'work']);
    const prediction = classifier.predict('football tonight'.split(' '));
    assert.equal(prediction.label, 'sport');
    assertClose(
      Object.values(prediction.probabilities).reduce((a, b) => a + b, 0),
      1,
      1e-12,
      'sum',
    );
    assert.equal(classifier.predictLabel('football tonight'.split(' ')), 'sport');
  });

  it('uses fitted, uniform or given class priors', async () => {
    const skewed = [...corpus, ...docs(['0', 'buy'], ['0', 'cheap'])];
    const fitted = ((await trainModel(() => [skewed], countsConfig(1))).classifier.model as NaiveBayesModel).classLogPrior;
    assertClose(fitted[0], Math.log(4 / 8), 1e-15, 'fitted prior');
    const uniform = ((await trainModel(() => [skewed], countsConfig(1, 'multinomial', false))).classifier.model as NaiveBayesModel)
      .classLogPrior;
    for (const value of uniform) assertClose(value, -Math.log(3), 1e-15, 'uniform prior');
    const given = resolveTrainingConfig({ ...countsConfig(1), classifier: { classPrior: { '0': 0.2, '1': 0.3, '2': 0.5 } } });
    const fixed = ((await trainModel(() => [skewed], given)).classifier.model as NaiveBayesModel).classLogPrior;
    assert.deepEqual(Array.from(fixed), [Math.log(0.2), Math.log(0.3), Math.log(0.5)]);
    const unknown = resolveTrainingConfig({ ...countsConfig(1), classifier: { classPrior: { '0': 0.5, '9': 0.5 } } });
    await assert.rejects(
      trainModel(() => [skewed], unknown),
      /classPrior/,
    );
  });

  it('computes complement NB weights like sklearn (norm=False)', async () => {
    const small = docs(['a', 'x x y'], ['b', 'y z']);
    const alpha = 0.5;
    const { classifier } = await trainModel(() => [small], countsConfig(alpha, 'complement'));
    const { terms } = classifier.vectorizer;
    const counts: Record<string, number[]> = { x: [2, 0], y: [1, 1], z: [0, 1] };
    // Complement of class c: the counts of the other class, smoothed and normalised.
    const complementTotals = [0, 1].map((c) => terms.reduce((sum, t) => sum + counts[t][1 - c] + alpha, 0));
    terms.forEach((term, j) => {
      for (const c of [0, 1]) {
        const expected = -Math.log((counts[term][1 - c] + alpha) / complementTotals[c]);
        assertClose((classifier.model as NaiveBayesModel).featureLogProb[j * 2 + c], expected, 1e-12, `${term}|${c}`);
      }
    });
    assert.deepEqual(Array.from((classifier.model as NaiveBayesModel).classLogPrior), [0, 0]);
    assert.equal(classifier.predict(['x']).label, 'a');
    assert.equal(classifier.predict(['z']).label, 'b');
  });

  it('rejects alpha <= 0', async () => {
    assert.throws(() => countsConfig(0), /alpha/);
    assert.throws(() => countsConfig(-1), /alpha/);
  });

  it('log-sum-exp survives extreme scores', () => {
    assertClose(logSumExp([-1e5, -1e5 - Math.log(3)]), -1e5 + Math.log(4 / 3), 1e-9, 'very negative');
    assertClose(logSumExp([1000, 1000]), 1000 + Math.log(2), 1e-12, 'very positive');
    assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
    assert.equal(logSumExp([-Infinity, 0]), 0);
    const p = probabilitiesFromLogScores([-745_000, -745_001], new Float64Array(2));
    // Scores near -7e5 carry ~1e-10 absolute rounding; the point is no underflow to 0/0.
    assertClose(p[0], 1 / (1 + Math.exp(-1)), 1e-9, 'p0');
    assertClose(p[1], Math.exp(-1) / (1 + Math.exp(-1)), 1e-9, 'p1');
    const one = probabilitiesFromLogScores([-1e6, -10], new Float64Array(2));
    assert.deepEqual(Array.from(one), [0, 1]);
  });

  it('gives finite, normalised probabilities for very long documents (no underflow)', async () => {
    const { classifier } = await trainModel(() => [corpus], countsConfig(0.01));
    const long = Array.from({ length: 50_000 }, (_, i) => ['cheap', 'meeting', 'scores', 'buy'][i % 4]);
    const prediction = classifier.predict(long);
    const values = Object.values(prediction.probabilities);
    assert.ok(values.every(Number.isFinite), JSON.stringify(prediction));
    assertClose(
      values.reduce((a, b) => a + b, 0),
      1,
      1e-12,
      'sum',
    );
  });
});

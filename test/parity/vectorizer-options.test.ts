import assert from 'node:assert/strict';
import {
  resolveTrainingConfig,
  trainModel,
  type NaiveBayesModel,
  type NaiveBayesOptions,
  type TrainingConfig,
  type VectorizerOptions,
} from '../../src/model';
import { runSklearn } from './sklearn';
import { spamAssassinDocs } from './spam-corpus';

const base: Partial<VectorizerOptions> = { ngramRange: [1, 1], minDf: 1, maxDf: 1, maxFeatures: null, sublinearTf: false, norm: 'l2' };

/** The smallest n >= atLeast such that the n-th and (n+1)-th most frequent words differ in frequency. */
function untiedCut(corpus: string[][], atLeast: number): number {
  const frequency = new Map<string, number>();
  for (const tokens of corpus) for (const t of tokens) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const sorted = [...frequency.values()].sort((a, b) => b - a);
  let n = atLeast;
  while (sorted[n - 1] === sorted[n]) n++;
  return n;
}

interface Case {
  name: string;
  vectorizer: Partial<VectorizerOptions>;
  classifier?: Partial<NaiveBayesOptions>;
}

const casesFor = (train: string[][]): Case[] => [
  { name: 'binary', vectorizer: { binary: true } },
  { name: 'sublinear tf, l1 rows, 1-2 grams', vectorizer: { sublinearTf: true, norm: 'l1', ngramRange: [1, 2] } },
  { name: 'raw counts, 1-3 grams', vectorizer: { useIdf: false, norm: 'none', ngramRange: [1, 3] } },
  { name: 'idf without smoothing', vectorizer: { smoothIdf: false } },
  { name: 'minDf / maxDf as fractions', vectorizer: { minDf: 0.02, maxDf: 0.5, ngramRange: [1, 2] } },
  { name: 'minDf / maxDf as counts', vectorizer: { minDf: 2, maxDf: 40 } },
  // A cut between two corpus frequencies: sklearn breaks ties at the cut arbitrarily.
  { name: 'maxFeatures', vectorizer: { maxFeatures: untiedCut(train, 500) } },
  {
    name: 'bigrams only, complement NB, uniform prior',
    vectorizer: { ngramRange: [2, 2] },
    classifier: { variant: 'complement', fitPrior: false },
  },
];

describe('parity: every vectorizer option against scikit-learn (400 SpamAssassin bodies)', function () {
  this.timeout(120_000);

  it('has the same vocabulary, idf, feature log probabilities and predictions', async () => {
    const docs = spamAssassinDocs();
    // Every 15th mail: both labels, few enough for per-term comparisons.
    const sample = docs.filter((_, i) => i % 15 === 0);
    const train = sample.slice(0, 300);
    const test = sample.slice(300);
    const cases = casesFor(train.map((d) => d.features));
    const configs: TrainingConfig[] = cases.map(({ vectorizer, classifier }) =>
      resolveTrainingConfig({
        vectorizer: { ...base, ...vectorizer },
        classifier: { variant: 'multinomial', alpha: 0.5, fitPrior: true, ...classifier },
      }),
    );
    const results = await runSklearn({
      train: { docs: train.map((d) => d.features), labels: train.map((d) => d.label) },
      test: { docs: test.map((d) => d.features), labels: test.map((d) => d.label) },
      configs: configs.map((c) => ({ vectorizer: c.vectorizer, classifier: c.classifier as NaiveBayesOptions })),
      details: true,
    });
    for (const [index, config] of configs.entries()) {
      const name = cases[index].name;
      const sk = results[index];
      const { classifier } = await trainModel(() => [train], config);
      const { terms, idf } = classifier.vectorizer;
      const skFlp = sk.featureLogProb as Record<string, number[]>;
      assert.equal(terms.length, sk.vocabularySize, `${name}: vocabulary size`);
      const k = classifier.labels.length;
      terms.forEach((term, j) => {
        assert.ok(term in skFlp, `${name}: ${JSON.stringify(term)} not in sklearn's vocabulary`);
        if (idf) assert.ok(Math.abs(idf[j] - (sk.idf as Record<string, number>)[term]) < 1e-12, `${name}: idf ${term}`);
        for (let c = 0; c < k; c++) {
          assert.ok(
            Math.abs((classifier.model as NaiveBayesModel).featureLogProb[j * k + c] - skFlp[term][c]) < 1e-9,
            `${name}: log prob ${term}`,
          );
        }
      });
      test.forEach((doc, i) => {
        const ours = classifier.predict(doc.features);
        assert.equal(ours.label, sk.predictions[i], `${name}: prediction ${i}`);
        sk.classes.forEach((label, c) =>
          assert.ok(Math.abs(ours.probabilities[label] - sk.probabilities[i][c]) < 1e-9, `${name}: probability ${i}`),
        );
      });
    }
  });
});

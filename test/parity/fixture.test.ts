import assert from 'node:assert/strict';
import {
  resolveTrainingConfig,
  TFIDF_DEFAULTS,
  trainModel,
  type LabelledDoc,
  type NaiveBayesModel,
  type NaiveBayesOptions,
} from '../../src/model';
import { runSklearn } from './sklearn';
import { sklearnTokens } from './sklearn-tokens';

// The fixture of /work/shared/reference/facts.md, with the values scikit-learn 1.9.1 prints for
// TfidfVectorizer() + MultinomialNB(alpha=1).
const texts = ['the cat sat on the mat', 'the dog sat', 'cats and dogs!! a I'];
const labels = ['0', '0', '1'];
const docs: LabelledDoc[] = texts.map((text, i) => ({ features: sklearnTokens(text), label: labels[i] }));
const config = resolveTrainingConfig({
  features: 'tokens',
  vectorizer: TFIDF_DEFAULTS,
  classifier: { variant: 'multinomial', alpha: 1, fitPrior: true },
});

describe('parity: facts.md fixture (TF-IDF + MultinomialNB, sklearn defaults)', () => {
  it('reproduces idf, class log prior and predict_proba("a cat") to 1e-5', async () => {
    const { classifier } = await trainModel(() => [docs], config);
    const idf = new Map(classifier.vectorizer.terms.map((term, j) => [term, classifier.vectorizer.idf?.[j]]));
    assert.deepEqual([...idf.keys()].sort(), ['and', 'cat', 'cats', 'dog', 'dogs', 'mat', 'on', 'sat', 'the']);
    for (const term of ['and', 'cat', 'cats', 'dog', 'dogs', 'mat', 'on'])
      assert.ok(Math.abs((idf.get(term) as number) - 1.693147) < 1e-6, term);
    for (const term of ['sat', 'the']) assert.ok(Math.abs((idf.get(term) as number) - 1.287682) < 1e-6, term);

    assert.deepEqual(classifier.labels, ['0', '1']);
    const prior = Array.from((classifier.model as NaiveBayesModel).classLogPrior);
    assert.ok(Math.abs(prior[0] - -0.405465) < 1e-6 && Math.abs(prior[1] - -1.098612) < 1e-6, String(prior));

    const prediction = classifier.predict(sklearnTokens('a cat'));
    assert.equal(prediction.label, '0');
    assert.ok(Math.abs(prediction.probabilities['0'] - 0.70156) < 1e-5, String(prediction.probabilities['0']));
    assert.ok(Math.abs(prediction.probabilities['1'] - 0.29844) < 1e-5, String(prediction.probabilities['1']));
  });

  it('matches a live scikit-learn run term by term (idf and feature_log_prob to 1e-12)', async () => {
    const { classifier } = await trainModel(() => [docs], config);
    const test = ['a cat', 'dogs and cats', 'the mat'].map(sklearnTokens);
    const [sk] = await runSklearn({
      train: { docs: docs.map((d) => d.features), labels },
      test: { docs: test, labels: ['0', '1', '0'] },
      configs: [{ vectorizer: config.vectorizer, classifier: config.classifier as NaiveBayesOptions }],
      details: true,
    });
    const terms = classifier.vectorizer.terms;
    assert.equal(sk.vocabularySize, terms.length);
    const k = classifier.labels.length;
    terms.forEach((term, j) => {
      assert.ok(Math.abs((classifier.vectorizer.idf as Float64Array)[j] - (sk.idf as Record<string, number>)[term]) < 1e-12, term);
      for (let c = 0; c < k; c++) {
        assert.ok(
          Math.abs(
            (classifier.model as NaiveBayesModel).featureLogProb[j * k + c] - (sk.featureLogProb as Record<string, number[]>)[term][c],
          ) < 1e-12,
          term,
        );
      }
    });
    test.forEach((tokens, i) => {
      const ours = classifier.predict(tokens);
      assert.equal(ours.label, sk.predictions[i]);
      sk.classes.forEach((label, c) => assert.ok(Math.abs(ours.probabilities[label] - sk.probabilities[i][c]) < 1e-12));
    });
  });
});

import assert from 'node:assert/strict';
import { CLASSIFIER_VARIANTS, resolveTrainingConfig } from '../../../src/model';
import { candidateId, mergeOverrides, sampleCandidates } from '../../../src/training/search-space';

describe('hyperparameter search space', () => {
  it('draws the request config first, then distinct valid points, the same ones for the same seed', () => {
    const request = { classifier: { alpha: 0.1 }, text: { language: 'es' as const } };
    const drawn = sampleCandidates(40, 7, request);
    assert.equal(drawn.length, 40);
    assert.deepEqual(drawn[0].overrides, {});
    assert.equal(drawn[0].id, candidateId(resolveTrainingConfig(request)));
    assert.equal(new Set(drawn.map((c) => c.id)).size, 40);
    assert.deepEqual(sampleCandidates(40, 7, request), drawn);
    assert.notDeepEqual(sampleCandidates(40, 8, request), drawn);
    for (const c of drawn) {
      const config = resolveTrainingConfig(mergeOverrides(request, c.overrides));
      assert.equal(config.text.language, 'es', 'the request keeps its language');
      assert.equal(candidateId(config), c.id);
      if (config.classifier.variant === 'logistic' || config.classifier.variant === 'svm') assert.notEqual(config.vectorizer.norm, 'none');
    }
  });

  it('covers every family and the text axes (stemming, stopwords), n-grams, minDf, sublinear tf, norm, max features', () => {
    const configs = sampleCandidates(120, 1, {}).map((c) => resolveTrainingConfig(mergeOverrides({}, c.overrides)));
    const seen = (f: (c: (typeof configs)[number]) => unknown) => new Set(configs.map((c) => JSON.stringify(f(c)))).size;
    assert.deepEqual(new Set(configs.map((c) => c.classifier.variant)), new Set(CLASSIFIER_VARIANTS));
    assert.equal(
      seen((c) => c.features),
      3,
    );
    assert.equal(
      seen((c) => c.vectorizer.ngramRange),
      3,
    );
    assert.ok(seen((c) => c.vectorizer.minDf) >= 4);
    assert.equal(
      seen((c) => c.vectorizer.sublinearTf),
      2,
    );
    assert.equal(
      seen((c) => c.vectorizer.norm),
      3,
    );
    assert.ok(seen((c) => c.vectorizer.maxFeatures) >= 4);
  });

  it('switching family replaces the classifier options instead of mixing them', () => {
    const merged = mergeOverrides({ classifier: { alpha: 0.5, fitPrior: false } }, { classifier: { variant: 'logistic', C: 10 } });
    assert.deepEqual(merged.classifier, { variant: 'logistic', C: 10 });
    assert.equal(resolveTrainingConfig(merged).classifier.variant, 'logistic');
    const sameFamily = mergeOverrides(
      { classifier: { alpha: 0.5, fitPrior: false } },
      { classifier: { variant: 'complement', alpha: 0.1 } },
    );
    assert.deepEqual(sameFamily.classifier, { alpha: 0.1, fitPrior: false, variant: 'complement' });
  });
});

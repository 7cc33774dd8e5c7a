import assert from 'node:assert/strict';
import { DEFAULT_TRAINING_CONFIG, resolveTrainingConfig, validateTrainingConfig } from '../../../src/model';

describe('training config', () => {
  it('merges overrides section by section onto the defaults', () => {
    const config = resolveTrainingConfig({ features: 'tokens', vectorizer: { minDf: 3 }, classifier: { alpha: 0.5 } });
    assert.equal(config.features, 'tokens');
    assert.equal(config.vectorizer.minDf, 3);
    assert.deepEqual(config.vectorizer.ngramRange, DEFAULT_TRAINING_CONFIG.vectorizer.ngramRange);
    assert.equal((config.classifier as { alpha: number }).alpha, 0.5);
    assert.equal(config.classifier.variant, DEFAULT_TRAINING_CONFIG.classifier.variant);
    assert.deepEqual(config.text, DEFAULT_TRAINING_CONFIG.text);
  });

  it('rejects invalid values and unknown keys, naming the path', () => {
    assert.throws(() => resolveTrainingConfig({ classifier: { alpha: 0 } }), /classifier\.alpha/);
    assert.throws(() => resolveTrainingConfig({ vectorizer: { norm: 'l3' as never } }), /vectorizer\.norm/);
    assert.throws(() => resolveTrainingConfig({ text: { language: 'de' as never } }), /text\.language/);
    assert.throws(() => validateTrainingConfig({ ...DEFAULT_TRAINING_CONFIG, extra: 1 }), /Unrecognized key/);
    assert.throws(() => resolveTrainingConfig({ vectorizer: { ngramRange: [0, 2] } }), /ngramRange/);
  });

  it('freezes the defaults', () => {
    assert.ok(Object.isFrozen(DEFAULT_TRAINING_CONFIG));
    assert.ok(Object.isFrozen(DEFAULT_TRAINING_CONFIG.vectorizer));
    assert.ok(Object.isFrozen(DEFAULT_TRAINING_CONFIG.vectorizer.ngramRange));
  });
});

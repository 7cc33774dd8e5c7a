import assert from 'node:assert/strict';
import { crossValidate, DEFAULT_TRAINING_CONFIG } from '../../src/model';
import { spamAssassinDocs } from './spam-corpus';

describe('accuracy: SpamAssassin bodies, 5-fold stratified cross-validation', function () {
  this.timeout(120_000);

  it('reaches >= 0.975 mean accuracy with DEFAULT_TRAINING_CONFIG (sklearn TF-IDF + NB alpha=1: 0.874)', async () => {
    const result = await crossValidate(spamAssassinDocs(), DEFAULT_TRAINING_CONFIG, 5, 2024);
    assert.equal(result.folds.length, 5);
    for (const fold of result.folds) assert.ok(fold.accuracy >= 0.96, `fold accuracy ${fold.accuracy}`);
    assert.ok(result.meanAccuracy >= 0.975, `mean accuracy ${result.meanAccuracy}`);
    assert.ok(result.meanMacroF1 >= 0.97, `mean macro F1 ${result.meanMacroF1}`);
  });
});

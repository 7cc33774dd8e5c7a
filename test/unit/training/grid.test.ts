import assert from 'node:assert/strict';
import { DEFAULT_TRAINING_CONFIG, resolveTrainingConfig } from '../../../src/model';
import { DEFAULT_GRID, gridPoints, mergeOverrides, tuningCandidates } from '../../../src/training/grid';
import { bestCandidate } from '../../../src/training/tuning-choice';

const gridSize =
  DEFAULT_GRID.alpha.length *
  DEFAULT_GRID.ngramRange.length *
  DEFAULT_GRID.minDf.length *
  DEFAULT_GRID.maxFeatures.length *
  DEFAULT_GRID.variant.length;

describe('hyperparameter grid', () => {
  it('spans every combination of alpha, n-gram range, minDf, maxFeatures and NB variant, each a valid config', () => {
    const points = gridPoints();
    assert.equal(points.length, gridSize);
    assert.equal(new Set(points.map((p) => p.id)).size, gridSize);
    const variants = new Set<string>();
    for (const p of points) {
      const config = resolveTrainingConfig(p.overrides);
      variants.add(config.classifier.variant);
    }
    assert.deepEqual([...variants].sort(), ['complement', 'multinomial']);
  });

  it("tries the request's own config first, then budget - 1 distinct grid points", () => {
    const candidates = tuningCandidates(8, 42, DEFAULT_TRAINING_CONFIG);
    assert.equal(candidates.length, 8);
    assert.deepEqual(candidates[0].overrides, {});
    const { vectorizer: v } = DEFAULT_TRAINING_CONFIG;
    const c = DEFAULT_TRAINING_CONFIG.classifier as { variant: string; alpha: number };
    assert.equal(
      candidates[0].id,
      `${c.variant} alpha=${c.alpha} ngram=${v.ngramRange.join('-')} minDf=${v.minDf} maxFeatures=${v.maxFeatures ?? 'all'}`,
    );
    assert.equal(new Set(candidates.map((c) => c.id)).size, 8);
    // The base is not tried twice under its grid id.
    assert.equal(
      candidates.slice(1).some((c) => c.id === candidates[0].id),
      false,
    );
  });

  it('is deterministic for a seed and samples differently for another', () => {
    const ids = (seed: number) => tuningCandidates(10, seed, DEFAULT_TRAINING_CONFIG).map((c) => c.id);
    assert.deepEqual(ids(1), ids(1));
    assert.notDeepEqual(ids(1), ids(2));
  });

  it('caps the budget at the grid, and a budget of 1 is just the request config', () => {
    const baseInGrid = gridPoints().some((p) => p.id === tuningCandidates(1, 1, DEFAULT_TRAINING_CONFIG)[0].id);
    assert.equal(tuningCandidates(10_000, 1, DEFAULT_TRAINING_CONFIG).length, gridSize + (baseInGrid ? 0 : 1));
    // A base that is a grid point is not tried twice.
    const onGrid = resolveTrainingConfig(gridPoints()[5].overrides);
    assert.equal(tuningCandidates(10_000, 1, onGrid).length, gridSize);
    assert.deepEqual(
      tuningCandidates(1, 1, DEFAULT_TRAINING_CONFIG).map((c) => c.overrides),
      [{}],
    );
    assert.throws(() => tuningCandidates(0, 1, DEFAULT_TRAINING_CONFIG), /tuningBudget/);
  });

  it('lays grid values over the request overrides without dropping the rest of a section', () => {
    const merged = mergeOverrides({ vectorizer: { sublinearTf: false, minDf: 5 }, features: 'tokens' }, gridPoints()[0].overrides);
    const config = resolveTrainingConfig(merged);
    assert.equal(config.vectorizer.sublinearTf, false); // kept from the request
    assert.equal(config.vectorizer.minDf, 1); // the grid's
    assert.equal(config.features, 'tokens');
    assert.equal((config.classifier as { alpha: number }).alpha, DEFAULT_GRID.alpha[0]);
  });

  it('picks the highest mean macro F1, ties and failures going to the earlier candidate', () => {
    assert.equal(
      bestCandidate([
        { id: 'a', meanMacroF1: 0.9 },
        { id: 'b', meanMacroF1: 0.95 },
        { id: 'c', meanMacroF1: 0.93 },
      ]).id,
      'b',
    );
    assert.equal(
      bestCandidate([
        { id: 'a', meanMacroF1: 0.9 },
        { id: 'b', meanMacroF1: 0.9 },
      ]).id,
      'a',
    );
    assert.equal(
      bestCandidate([
        { id: 'a', meanMacroF1: 0.9 },
        { id: 'b', meanMacroF1: 0.99, failed: 'no terms' },
      ]).id,
      'a',
    );
    assert.equal(
      bestCandidate([
        { id: 'a', meanMacroF1: 0, failed: 'x' },
        { id: 'b', meanMacroF1: 0.5 },
      ]).id,
      'b',
    );
    assert.throws(() => bestCandidate([]), /no tuning results/);
  });
});

import assert from 'node:assert/strict';
import { halvingSchedule, meanOfFolds, searchWinner, survivors } from '../../../src/training/halving';

describe('successive halving', () => {
  it('grows the rows and shrinks the candidates by the factor, up to every row', () => {
    assert.deepEqual(halvingSchedule({ candidates: 27, rows: 5000, factor: 3, minRows: 300 }), [
      { fraction: 1 / 9, candidates: 27 },
      { fraction: 1 / 3, candidates: 9 },
      { fraction: 1, candidates: 3 },
    ]);
    assert.deepEqual(halvingSchedule({ candidates: 24, rows: 100_000, factor: 3, minRows: 300 }), [
      { fraction: 1 / 9, candidates: 24 },
      { fraction: 1 / 3, candidates: 8 },
      { fraction: 1, candidates: 3 },
    ]);
  });

  it('uses fewer rungs when the first would cross-validate on too few rows, one rung for tiny sets', () => {
    assert.equal(halvingSchedule({ candidates: 27, rows: 2000, factor: 3, minRows: 300 }).length, 2);
    assert.deepEqual(halvingSchedule({ candidates: 27, rows: 500, factor: 3, minRows: 300 }), [{ fraction: 1, candidates: 27 }]);
    assert.deepEqual(halvingSchedule({ candidates: 1, rows: 1e6, factor: 3, minRows: 300 }), [{ fraction: 1, candidates: 1 }]);
    assert.throws(() => halvingSchedule({ candidates: 0, rows: 10, factor: 3, minRows: 1 }), /at least|>= 1/);
  });

  it('keeps the best, ties to the earlier candidate, never an unscored one', () => {
    const scores = [
      { index: 0, meanMacroF1: 0.9 },
      { index: 1, meanMacroF1: null },
      { index: 2, meanMacroF1: 0.95 },
      { index: 3, meanMacroF1: 0.9 },
    ];
    assert.deepEqual(survivors(scores, 2), [2, 0]);
    assert.deepEqual(survivors(scores, 10), [2, 0, 3]);
  });

  it('picks the winner from the highest rung that scored any, the request config when none did', () => {
    const rung0 = [
      { index: 0, meanMacroF1: 0.8 },
      { index: 1, meanMacroF1: 0.99 },
    ];
    assert.deepEqual(searchWinner([rung0, [{ index: 0, meanMacroF1: 0.85 }]]), { index: 0, rung: 1 });
    assert.deepEqual(searchWinner([rung0, [{ index: 0, meanMacroF1: null }]]), { index: 1, rung: 0 });
    assert.deepEqual(searchWinner([[{ index: 3, meanMacroF1: null }]]), { index: 0, rung: -1 });
    assert.equal(meanOfFolds([0.5, 1]), 0.75);
    assert.equal(meanOfFolds([0.5, null]), null);
  });
});

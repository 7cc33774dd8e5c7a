import assert from 'node:assert/strict';
import { classificationReport, confusionMatrix, logLoss } from '../../../src/model';
import { assertClose } from './helpers';

describe('evaluation metrics', () => {
  // Hand-checked: a: TP 2, FN 1, FP 0; b: TP 1, FN 1, FP 1; c: TP 1, FN 0, FP 1.
  const yTrue = ['a', 'a', 'a', 'b', 'b', 'c'];
  const yPred = ['a', 'a', 'b', 'b', 'c', 'c'];

  it('builds the confusion matrix (rows true, columns predicted)', () => {
    assert.deepEqual(confusionMatrix(yTrue, yPred, ['a', 'b', 'c']), [
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    assert.throws(() => confusionMatrix(['a'], ['z'], ['a']), /not in the label list/);
    assert.throws(() => confusionMatrix(['a'], [], ['a']), /predictions/);
  });

  it('computes accuracy, per-class and macro precision / recall / F1', () => {
    const report = classificationReport(yTrue, yPred);
    assert.deepEqual(report.labels, ['a', 'b', 'c']);
    assertClose(report.accuracy, 4 / 6, 1e-15, 'accuracy');
    assert.deepEqual(report.perClass.a, { precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    assert.deepEqual(report.perClass.b, { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    assertClose(report.perClass.c.precision, 0.5, 1e-15, 'precision c');
    assertClose(report.perClass.c.f1, 2 / 3, 1e-15, 'f1 c');
    assertClose(report.macro.precision, (1 + 0.5 + 0.5) / 3, 1e-15, 'macro precision');
    assertClose(report.macro.recall, (2 / 3 + 0.5 + 1) / 3, 1e-15, 'macro recall');
    assertClose(report.macro.f1, (0.8 + 0.5 + 2 / 3) / 3, 1e-15, 'macro f1');
    assert.equal(report.logLoss, undefined);
  });

  it('scores a never-predicted label as 0 (sklearn zero_division=0)', () => {
    const report = classificationReport(['a', 'b'], ['a', 'a'], { labels: ['a', 'b', 'c'] });
    assert.deepEqual(report.perClass.b, { precision: 0, recall: 0, f1: 0, support: 1 });
    assert.deepEqual(report.perClass.c, { precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('computes log loss with clipping', () => {
    const probabilities = [
      { a: 0.8, b: 0.2 },
      { a: 0.3, b: 0.7 },
      { a: 0.5, b: 0.5 },
    ];
    const expected = -(Math.log(0.8) + Math.log(0.7) + Math.log(0.5)) / 3;
    assertClose(logLoss(['a', 'b', 'b'], probabilities, ['a', 'b']), expected, 1e-15, 'log loss');
    const confidentMistake = logLoss(['a'], [{ a: 0, b: 1 }], ['a', 'b']);
    assertClose(confidentMistake, -Math.log(Number.EPSILON), 1e-9, 'clipped');
    const report = classificationReport(['a', 'b', 'b'], ['a', 'b', 'a'], { probabilities });
    assertClose(report.logLoss as number, expected, 1e-15, 'report log loss');
  });
});

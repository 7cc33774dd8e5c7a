import assert from 'node:assert/strict';
import { createRng, stratifiedKFold, stratifiedSplit } from '../../../src/model';

const labels = [...Array(70).fill('ham'), ...Array(25).fill('spam'), ...Array(5).fill('rare')] as string[];
const count = (indices: number[], label: string) => indices.filter((i) => labels[i] === label).length;

describe('splits', () => {
  it('is a deterministic PRNG in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const first = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      first,
      Array.from({ length: 1000 }, () => b()),
    );
    assert.ok(first.every((x) => x >= 0 && x < 1));
    assert.notDeepEqual(first.slice(0, 5), Array.from({ length: 5 }, createRng(43)));
    const mean = first.reduce((s, x) => s + x, 0) / first.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  });

  it('stratified split keeps each label proportion and is reproducible from the seed', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, 7);
    assert.deepEqual(
      [...train, ...test].sort((x, y) => x - y),
      labels.map((_, i) => i),
    );
    assert.equal(count(test, 'ham'), 14);
    assert.equal(count(test, 'spam'), 5);
    assert.equal(count(test, 'rare'), 1);
    assert.deepEqual(stratifiedSplit(labels, 0.2, 7), { train, test });
    assert.notDeepEqual(stratifiedSplit(labels, 0.2, 8).test, test);
    assert.throws(() => stratifiedSplit(labels, 1, 7), /testFraction/);
  });

  it('stratified k-fold partitions the documents with balanced labels', () => {
    const folds = stratifiedKFold(labels, 5, 11);
    const tested = folds.flatMap((fold) => fold.test).sort((x, y) => x - y);
    assert.deepEqual(
      tested,
      labels.map((_, i) => i),
    );
    for (const fold of folds) {
      assert.equal(fold.train.length + fold.test.length, labels.length);
      assert.ok(fold.test.every((i) => !fold.train.includes(i)));
      assert.equal(count(fold.test, 'ham'), 14);
      assert.equal(count(fold.test, 'spam'), 5);
      assert.equal(count(fold.test, 'rare'), 1);
    }
    assert.deepEqual(stratifiedKFold(labels, 5, 11), folds);
    assert.throws(() => stratifiedKFold(labels, 1, 11), /folds/);
  });
});

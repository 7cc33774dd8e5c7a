import assert from 'node:assert/strict';
import { PairTable } from '../../../src/model/vectorizer/pair-table';

describe('PairTable', () => {
  it('stores and finds pairs through growth, and misses absent pairs', () => {
    const table = new PairTable(4);
    for (let a = 0; a < 300; a++) for (let b = 0; b < 30; b++) table.insert(a, b, a * 1000 + b);
    assert.equal(table.size, 9000);
    for (let a = 0; a < 300; a++) for (let b = 0; b < 30; b++) assert.equal(table.get(a, b), a * 1000 + b);
    assert.equal(table.get(300, 0), -1);
    assert.equal(table.get(0, 30), -1);
    // (a, b) and (b, a) are different keys.
    assert.equal(table.get(29, 1), 29_001);
    assert.equal(table.get(1, 29), 1_029);
  });
});

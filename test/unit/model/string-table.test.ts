import assert from 'node:assert/strict';
import { StringTable } from '../../../src/model/vectorizer/string-table';

describe('StringTable', () => {
  it('stores and finds strings through growth and clearing', () => {
    const table = new StringTable(4);
    const words = Array.from({ length: 5_000 }, (_, i) => `w${i}-${'x'.repeat(i % 20)}`);
    words.forEach((word, i) => table.insert(word, i));
    assert.equal(table.size, 5_000);
    words.forEach((word, i) => assert.equal(table.get(word), i));
    // Fresh string objects with the same content are found too.
    assert.equal(table.get(['w1', '-', 'x'].join('')), 1);
    assert.equal(table.get('absent'), -1);
    assert.equal(table.get(''), -1);
    table.clear();
    assert.equal(table.size, 0);
    assert.equal(table.get(words[0]), -1);
    table.insert('café', 7);
    assert.equal(table.get('café'), 7);
    assert.equal(table.get('cafe\u0301'), -1);
  });
});

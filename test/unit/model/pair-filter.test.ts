import assert from 'node:assert/strict';
import { PairFilter } from '../../../src/model/vectorizer/pair-filter';

describe('PairFilter', () => {
  it('never turns away a pair it holds, and turns away most pairs it does not', () => {
    const filter = new PairFilter(50_000);
    for (let a = 0; a < 500; a++) for (let b = 0; b < 100; b++) filter.add(a, b * 7);
    for (let a = 0; a < 500; a++) for (let b = 0; b < 100; b++) assert.ok(filter.mayContain(a, b * 7), `(${a}, ${b * 7})`);
    let passed = 0;
    let absent = 0;
    for (let a = 0; a < 500; a++) {
      for (let b = 1; b < 700; b += 7) {
        absent++;
        if (filter.mayContain(a, b)) passed++;
      }
    }
    // One hash over 16 bits per pair: about 6 % of absent pairs get through.
    assert.ok(passed / absent < 0.1, `${passed} of ${absent} absent pairs passed`);
  });
});

import assert from 'node:assert/strict';
import { GenerationalCache } from '../../../src/text/bounded-cache';

describe('GenerationalCache', () => {
  it('never holds more than twice its capacity', () => {
    const cache = new GenerationalCache<number>(100);
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, i);
    assert.ok(cache.size <= 200, `size ${cache.size}`);
    assert.equal(cache.get('k9999'), 9999);
    assert.equal(cache.get('k0'), undefined);
  });

  it('keeps entries that are read while others churn', () => {
    const cache = new GenerationalCache<string>(10);
    cache.set('hot', 'value');
    for (let i = 0; i < 1_000; i++) {
      cache.set(`cold${i}`, 'x');
      assert.equal(cache.get('hot'), 'value');
    }
  });

  it('rejects a capacity below one', () => {
    assert.throws(() => new GenerationalCache(0), RangeError);
  });
});

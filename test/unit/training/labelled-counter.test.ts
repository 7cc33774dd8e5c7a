import assert from 'node:assert/strict';
import { acknowledgeRun, countBatch, coversStaged, emptyCounter } from '../../../src/training/labelled-counter';

const now = new Date('2030-01-01T00:00:00Z');

describe('labelled-since-training counter', () => {
  it('adds each batch once, whatever the retries', () => {
    let c = emptyCounter('spam', now);
    c = countBatch(c, 'b1', 100, now);
    c = countBatch(c, 'b2', 50, now);
    const again = countBatch(c, 'b1', 100, now);
    assert.equal(again, c);
    assert.equal(c.count, 150);
  });

  it('subtracts what a run saw, once per run, keeping rows counted after its read', () => {
    let c = countBatch(emptyCounter('spam', now), 'b1', 100, now);
    const seen = c.count; // read before the run lists staged/
    c = countBatch(c, 'b2', 30, now); // staged while the run assembled
    c = acknowledgeRun(c, 'run-1', seen, now);
    assert.equal(c.count, 30);
    assert.equal(acknowledgeRun(c, 'run-1', seen, now).count, 30);
    assert.equal(acknowledgeRun(c, 'run-2', 1000, now).count, 0); // never negative
  });

  it('only resets for runs whose data covers the staged prefix', () => {
    assert.equal(coversStaged(['staged/'], 'staged/'), true);
    assert.equal(coversStaged([''], 'staged/'), true);
    assert.equal(coversStaged(['staged/b1/'], 'staged/'), false);
    assert.equal(coversStaged(['training/spam/run/'], 'staged/'), false);
    assert.equal(coversStaged(undefined, 'staged/'), false);
  });

  it('remembers a bounded number of batches and runs', () => {
    let c = emptyCounter('spam', now);
    for (let i = 0; i < 500; i++) c = countBatch(c, `b${i}`, 1, now);
    assert.equal(c.count, 500);
    assert.equal(c.countedBatches.length, 200);
    assert.equal(c.countedBatches.at(-1), 'b499');
  });
});

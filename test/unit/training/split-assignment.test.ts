import assert from 'node:assert/strict';
import { contentHash, isTestDocument } from '../../../src/training/split-assignment';

const hashes = Array.from({ length: 20_000 }, (_, i) => contentHash(`title ${i}`, `body of document ${i}`));

describe('split assignment', () => {
  it('is deterministic: the same document, label and seed always land on the same side', () => {
    for (const h of hashes.slice(0, 200)) assert.equal(isTestDocument(h, 'spam', 42, 0.2), isTestDocument(h, 'spam', 42, 0.2));
  });

  it('holds out about testFraction of the documents, within each label', () => {
    for (const label of ['spam', 'ham']) {
      const held = hashes.filter((h) => isTestDocument(h, label, 42, 0.2)).length / hashes.length;
      assert.ok(Math.abs(held - 0.2) < 0.015, `${label}: ${held}`);
    }
  });

  it('is monotone in testFraction: raising it only moves documents into the test side', () => {
    for (const h of hashes.slice(0, 2000)) if (isTestDocument(h, 'ham', 7, 0.1)) assert.equal(isTestDocument(h, 'ham', 7, 0.3), true);
  });

  it('gives a different split for a different seed', () => {
    const a = hashes.map((h) => isTestDocument(h, 'ham', 1, 0.2));
    const b = hashes.map((h) => isTestDocument(h, 'ham', 2, 0.2));
    const same = a.filter((x, i) => x === b[i]).length / a.length;
    assert.ok(same < 0.75, `agreement ${same}`); // independent splits agree on 0.8^2 + 0.2^2 = 68%
  });

  it('puts nothing in the test side at fraction 0 and everything at fraction 1', () => {
    assert.equal(
      hashes.some((h) => isTestDocument(h, 'ham', 3, 0)),
      false,
    );
    assert.equal(
      hashes.every((h) => isTestDocument(h, 'ham', 3, 1)),
      true,
    );
  });

  it('hashes title and body apart, so moving text between them is a different document', () => {
    assert.notEqual(contentHash('ab', 'c'), contentHash('a', 'bc'));
    assert.equal(contentHash('a', 'bc'), contentHash('a', 'bc'));
  });
});

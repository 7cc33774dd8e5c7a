import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanDocument, type Language } from '../../src/text';
import { repoRoot } from '../../src/util/repo-root';

interface CleaningVector {
  name: string;
  language: Language;
  keepNegations: boolean;
  title: string;
  body: string;
  expected: { text_clean: string; tokens: string[]; tokens_nostop: string[] };
}

/** Also read by glue/tests/test_cleaning_vectors.py: the Glue job must clean exactly like src/text. */
const vectors: CleaningVector[] = JSON.parse(
  readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'cleaning-vectors.json'), 'utf8'),
).vectors;

describe('shared cleaning vectors (src/text side)', () => {
  it('cover at least 30 cases with unique names', () => {
    assert.ok(vectors.length >= 30);
    assert.equal(new Set(vectors.map((v) => v.name)).size, vectors.length);
  });

  for (const vector of vectors) {
    it(vector.name, () => {
      const clean = cleanDocument(
        { title: vector.title, body: vector.body },
        { language: vector.language, keepNegations: vector.keepNegations },
      );
      assert.deepEqual({ text_clean: clean.textClean, tokens: clean.tokens, tokens_nostop: clean.tokensNoStop }, vector.expected);
    });
  }
});

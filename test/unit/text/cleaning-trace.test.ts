import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanTokens, composeText } from '../../../src/text';
import { traceCleaning } from '../../../src/text/cleaning-trace';
import { repoRoot } from '../../../src/util/repo-root';
import { sampleMessages } from '../../helpers/corpus';

const vectors: Array<{ name: string; title: string; body: string }> = JSON.parse(
  readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'cleaning-vectors.json'), 'utf8'),
).vectors;

describe('traceCleaning: cleanTokens step by step, with what each step removed', () => {
  it('ends with exactly the tokens of cleanTokens (cleaning vectors and 300 real mails)', () => {
    const texts = [...vectors.map((v) => composeText(v.title, v.body)), ...sampleMessages(300).map((m) => composeText(m.subject, m.body))];
    for (const text of texts) assert.deepEqual(traceCleaning(text).tokens, cleanTokens(text), text.slice(0, 80));
  });

  it('counts the characters taken by markup, URLs, addresses and punctuation', () => {
    const t = traceCleaning('<b>Hi</b> see https://x.io/a, mail me@ex.com or @bob!!');
    assert.deepEqual(t.tokens, ['hi', 'see', 'mail', 'or']);
    assert.equal(t.rawChars, 54);
    assert.equal(t.markup, '<b>'.length - 1 + '</b>'.length - 1);
    assert.equal(t.urls, 'https://x.io/a,'.length - 1);
    assert.equal(t.addresses, 'me@ex.com'.length - 1 + '@bob'.length - 1);
    assert.equal(t.punctuation, 2); // "!!"
    assert.deepEqual(traceCleaning('plain words only'), {
      rawChars: 16,
      markup: 0,
      urls: 0,
      addresses: 0,
      punctuation: 0,
      tokens: ['plain', 'words', 'only'],
    });
  });

  it('counts decoded entities as markup and apostrophes inside words as punctuation', () => {
    const t = traceCleaning("don't &amp; won't");
    assert.deepEqual(t.tokens, ['dont', 'wont']);
    assert.equal(t.markup, '&amp;'.length - 1);
    assert.equal(t.punctuation, 3); // two apostrophes and the decoded "&"
  });
});

import assert from 'node:assert/strict';
import { StatisticsAccumulator } from '../../../src/drift';
import { createRng } from '../../../src/model/evaluation/prng';
import { cleanDocument, lastTokenIds } from '../../../src/text';
import { vocabulary } from '../../../src/text/vocabulary';

/** Documents with common words, digits, over-long tokens (never interned) and rare words. */
function corpus(n: number, seed: number, rareWords = 0): string[] {
  const rng = createRng(seed);
  const common = ['free', 'money', 'offer', 'meeting', 'tomorrow', 'report', 'click', 'now', 'lunch', 'project', "don't", 'café', 'niño'];
  const word = () => {
    let w = '';
    const length = 3 + Math.floor(rng() * 8);
    for (let i = 0; i < length; i++) w += String.fromCharCode(97 + Math.floor(rng() * 26));
    return w;
  };
  return Array.from({ length: n }, () => {
    const words: string[] = [];
    for (let i = 0; i < 5 + Math.floor(rng() * 40); i++) words.push(common[Math.floor(rng() * common.length)]);
    if (rng() < 0.5) words.push(String(Math.floor(rng() * 1000)), `a${Math.floor(rng() * 50)}b`);
    if (rng() < 0.2) words.push('x'.repeat(31 + Math.floor(rng() * 3)));
    for (let i = 0; i < rareWords; i++) words.push(word());
    return words.join(rng() < 0.5 ? ' ' : ', ');
  });
}

/** The same documents through two accumulators: one counting terms by vocabulary id, one by string. */
function both(texts: string[], reference?: ReadonlySet<string>) {
  const oovVocabulary = reference ? { key: 'baseline', terms: reference } : undefined;
  const byId = new StatisticsAccumulator({ vocabularyLimit: 1_000_000, oovVocabulary });
  const byString = new StatisticsAccumulator({ vocabularyLimit: 1_000_000, oovVocabulary });
  const epochs = new Set<number>();
  for (const body of texts) {
    const clean = cleanDocument({ body });
    const tokenIds = lastTokenIds();
    epochs.add(tokenIds.epoch);
    const doc = { label: null, textClean: clean.textClean, tokens: clean.tokens, sentiment: clean.sentiment.compound };
    byId.addDocument({ ...doc, tokenIds });
    byString.addDocument(doc);
  }
  return { byId: byId.toStatistics(), byString: byString.toStatistics(), epochs };
}

describe('statistics counted by vocabulary id', () => {
  it('equal those counted by term: vocabulary, document frequencies, occurrences, OOV', () => {
    const texts = corpus(3_000, 11, 2);
    const reference = new Set(['free', 'money', 'offer', 'report', '12', 'café']);
    const { byId, byString } = both(texts, reference);
    assert.ok(byString.vocabulary.distinctTerms > 1_000);
    assert.ok((byString.oov?.unseen ?? 0) > 0);
    assert.deepEqual(byId, byString);
  });

  it('stay equal when the vocabulary starts over mid-run (ids change meaning)', () => {
    const before = vocabulary.epoch;
    // Enough new words to fill the 200,000-word table at least once.
    const { byId, byString, epochs } = both(corpus(2_000, 12, 150), new Set(['money', 'lunch']));
    assert.ok(vocabulary.epoch > before, 'the vocabulary did not start over: the test no longer crosses an epoch');
    assert.ok(epochs.size > 1);
    assert.deepEqual(byId, byString);
  });
});

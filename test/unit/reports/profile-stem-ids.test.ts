import assert from 'node:assert/strict';
import { createRng } from '../../../src/model/evaluation/prng';
import { ProfileAccumulator, PART_PROFILE_STEMS } from '../../../src/reports/profile';
import { cleanDocument, lastKeptIds, type Language } from '../../../src/text';
import { vocabulary } from '../../../src/text/vocabulary';

/** English and Spanish words (stemmed differently by language), digits, over-long and rare words. */
function corpus(n: number, seed: number, rareWords = 0): string[] {
  const rng = createRng(seed);
  const common = ['running', 'runs', 'offers', 'meetings', 'reported', 'clicking', 'cantando', 'cantaba', 'niños', 'cafés', "don't"];
  const word = () => Array.from({ length: 3 + Math.floor(rng() * 8) }, () => String.fromCharCode(97 + Math.floor(rng() * 26))).join('');
  return Array.from({ length: n }, () => {
    const words: string[] = [];
    for (let i = 0; i < 5 + Math.floor(rng() * 30); i++) words.push(common[Math.floor(rng() * common.length)]);
    if (rng() < 0.5) words.push(String(Math.floor(rng() * 1000)));
    if (rng() < 0.2) words.push('x'.repeat(31 + Math.floor(rng() * 3)));
    for (let i = 0; i < rareWords; i++) words.push(word());
    return words.join(' ');
  });
}

/** The same documents through two profiles: one given the stems' word ids, one not. */
function both(texts: string[], languageOf: (i: number) => Language) {
  const byId = new ProfileAccumulator(PART_PROFILE_STEMS * 20);
  const byString = new ProfileAccumulator(PART_PROFILE_STEMS * 20);
  const epochs = new Set<number>();
  texts.forEach((body, i) => {
    const clean = cleanDocument({ body }, { language: languageOf(i) });
    const stemIds = lastKeptIds();
    epochs.add(stemIds.epoch);
    const doc = { textClean: clean.textClean, tokens: clean.tokens, tokensNoStop: clean.tokensNoStop, stems: clean.stems };
    byId.add({ ...doc, stemIds, processedAs: clean.language });
    byString.add(doc);
  });
  return { byId: byId.toProfile(), byString: byString.toProfile(), epochs };
}

describe('profile stems counted by word id', () => {
  it('equal stems counted by string, with documents of two stemmers in one shard', () => {
    const { byId, byString } = both(corpus(3_000, 21, 2), (i) => (i % 3 === 0 ? 'es' : 'en'));
    assert.ok(byString.distinct.stems > 1_000);
    // Words stemmed differently in the two languages are in the counts: ids alone would have merged them.
    const stems = new Map(byString.top.stems);
    assert.ok(stems.has('run') && stems.has('running'), 'expected English and Spanish stems of "running"');
    assert.deepEqual(byId, byString);
  });

  it('stay equal when the vocabulary starts over mid-run (ids change meaning)', () => {
    const before = vocabulary.epoch;
    const { byId, byString, epochs } = both(corpus(2_000, 22, 150), () => 'en');
    assert.ok(vocabulary.epoch > before, 'the vocabulary did not start over: the test no longer crosses an epoch');
    assert.ok(epochs.size > 1);
    assert.deepEqual(byId, byString);
  });
});

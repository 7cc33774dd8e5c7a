import assert from 'node:assert/strict';
import natural from 'natural/lib/natural/stemmers/porter_stemmer';
import { createRng, loadSpamAssassin } from '../../../src/model';
import { cleanTokens } from '../../../src/text';
import { porterStem } from '../../../src/text/porter';

describe('Porter stemmer port', () => {
  it("gives natural's stem for every word of the SpamAssassin corpus and for words built to reach every rule", () => {
    const words = new Set<string>();
    for (const record of loadSpamAssassin().slice(0, 3000)) for (const token of cleanTokens(record.body)) words.add(token);
    const random = createRng(3);
    const letters = 'aeiouybcdlstwxzgnmrp';
    const suffixes = [
      'sses',
      'ies',
      'ss',
      's',
      'eed',
      'ed',
      'ing',
      'at',
      'bl',
      'iz',
      'y',
      'ational',
      'tional',
      'enci',
      'anci',
      'izer',
      'abli',
      'bli',
      'alli',
      'entli',
      'eli',
      'ousli',
      'ization',
      'ation',
      'ator',
      'alism',
      'iveness',
      'fulness',
      'ousness',
      'aliti',
      'iviti',
      'biliti',
      'logi',
      'icate',
      'ative',
      'alize',
      'iciti',
      'ical',
      'ful',
      'ness',
      'al',
      'ance',
      'ence',
      'er',
      'ic',
      'able',
      'ible',
      'ant',
      'ement',
      'ment',
      'ent',
      'ou',
      'ism',
      'ate',
      'iti',
      'ous',
      'ive',
      'ize',
      'sion',
      'tion',
      'e',
      'll',
      'le',
    ];
    for (let i = 0; i < 60_000; i++) {
      let word = '';
      const length = 1 + Math.floor(random() * 8);
      for (let j = 0; j < length; j++) word += letters[Math.floor(random() * letters.length)];
      if (random() < 0.7) word += suffixes[Math.floor(random() * suffixes.length)];
      if (random() < 0.2) word += suffixes[Math.floor(random() * suffixes.length)];
      words.add(word);
    }
    for (const w of ['ies', 'eed', 'sky', 'day', 'hopping', 'hoping', 'caresses', 'agreed', 'éléphant', 'naïve', 'Running', 'yy'])
      words.add(w);
    let compared = 0;
    for (const word of words) {
      assert.equal(porterStem(word), natural.stem(word), JSON.stringify(word));
      compared++;
    }
    assert.ok(compared > 50_000, `${compared} words`);
  });
});

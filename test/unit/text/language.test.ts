import assert from 'node:assert/strict';
import { cleanDocument, cleanTokens, detectLanguage, identifyLanguage } from '../../../src/text';
import { LANGUAGE_MARKERS, LATIN_LETTER, LETTER, MIN_WORDS_FOR_OTHER, OTHER_MARKERS } from '../../../src/text/language';

describe('language detection', () => {
  it('tells English from Spanish by function words', () => {
    assert.equal(detectLanguage('the battery of this phone is great and it was cheap'.split(' '), 'es'), 'en');
    assert.equal(detectLanguage('la batería de este teléfono es muy buena y fue barata'.split(' '), 'en'), 'es');
  });

  it('falls back to the configured language when unsure', () => {
    assert.equal(detectLanguage([], 'es'), 'es');
    assert.equal(detectLanguage(['iphone', 'ok'], 'en'), 'en');
  });

  it('drives stopwords, stems and sentiment when detectLanguage is on', () => {
    const doc = cleanDocument({ body: 'La película fue terrible y aburrida, no me gustó nada.' }, { detectLanguage: true });
    assert.equal(doc.language, 'es');
    assert.ok(!doc.tokensNoStop.includes('la'));
    assert.ok(doc.stems.includes('pelicul'));
    assert.equal(doc.sentiment.label, 'negative');
    assert.equal(cleanDocument({ body: 'La película fue terrible' }).language, 'en');
  });

  it('reports other, not English, for languages it does not support', () => {
    const samples = {
      fr: 'Le produit est arrivé en retard et il ne fonctionne pas très bien, je suis déçu de cette commande.',
      de: 'Das Produkt ist nicht gut und ich bin sehr enttäuscht, aber der Versand war schnell.',
      pt: 'O produto não é muito bom, chegou atrasado e eu não recomendo isso para você.',
      it: 'Il prodotto è arrivato tardi e non funziona molto bene, sono deluso anche della qualità.',
      nl: 'Het product is niet goed en ik ben teleurgesteld, maar de levering was snel voor een keer.',
      ru: 'Товар пришёл вовремя, но работает плохо, я очень разочарован этой покупкой.',
      ja: 'この商品はとても良いです。配送も早かったので、また買いたいと思います。',
    };
    for (const [language, text] of Object.entries(samples)) {
      const tokens = cleanTokens(text);
      assert.equal(identifyLanguage(tokens), 'other', language);
      // Processing still needs a supported language: the configured one, as before.
      assert.equal(detectLanguage(tokens, 'en'), 'en', language);
    }
  });

  it('identifies en and es, and says unknown when there is too little to tell', () => {
    assert.equal(identifyLanguage(cleanTokens('The battery of this phone is great and it was cheap.')), 'en');
    assert.equal(identifyLanguage(cleanTokens('La batería de este teléfono es muy buena y fue barata.')), 'es');
    assert.equal(identifyLanguage([]), 'unknown');
    assert.equal(identifyLanguage(['iphone', 'ok', '42']), 'unknown');
    assert.equal(identifyLanguage(['123', '456']), 'unknown');
  });

  it('names the same language as the rule written with sets and regular expressions, on any tokens', () => {
    // The rule as documented, one set and one regex at a time: the fast path must agree with it.
    const byRule = (tokens: readonly string[]) => {
      let en = 0;
      let es = 0;
      let other = 0;
      let words = 0;
      let nonLatin = 0;
      for (const token of tokens) {
        if (LANGUAGE_MARKERS.en.has(token)) en++;
        else if (LANGUAGE_MARKERS.es.has(token)) es++;
        else if (OTHER_MARKERS.has(token)) other++;
        const letter = LETTER.exec(token);
        if (letter === null) continue;
        words++;
        if (!LATIN_LETTER.test(letter[0])) nonLatin++;
      }
      if (words === 0) return 'unknown';
      if (nonLatin * 2 > words) return 'other';
      if (other >= 2 && other > Math.max(en, es)) return 'other';
      if (en > es * 1.5 && en >= 2) return 'en';
      if (es > en * 1.5 && es >= 2) return 'es';
      return words >= MIN_WORDS_FOR_OTHER ? 'other' : 'unknown';
    };
    const pool = [
      ...LANGUAGE_MARKERS.en,
      ...LANGUAGE_MARKERS.es,
      ...OTHER_MARKERS,
      'phone',
      '42',
      '3d',
      '_',
      "'",
      '2x',
      'ñandú',
      'über',
      '東京',
      '1東',
      'москва',
      '9москва',
      'αβγ',
      'x東',
      '😀',
      '😀a',
      '١٢٣',
      'é1',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const seen = new Set<string>();
    for (let doc = 0; doc < 3000; doc++) {
      const tokens = Array.from({ length: next() % 40 }, () => pool[next() % pool.length]);
      const expected = byRule(tokens);
      seen.add(expected);
      assert.equal(identifyLanguage(tokens), expected, tokens.join(' '));
    }
    assert.deepEqual([...seen].sort(), ['en', 'es', 'other', 'unknown']);
  });
});

import assert from 'node:assert/strict';
import { cleanDocument, cleanTokens, detectLanguage, identifyLanguage } from '../../../src/text';

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
});

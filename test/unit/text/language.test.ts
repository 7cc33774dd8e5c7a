import assert from 'node:assert/strict';
import { cleanDocument, detectLanguage } from '../../../src/text';

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
});

import assert from 'node:assert/strict';
import { cleanDocument, DEFAULT_TEXT_OPTIONS, documentFeatures, stemToken } from '../../../src/text';

describe('stopwords, negations and stems', () => {
  const body = "This is not good and I never liked it, don't buy. No way!";

  it('removes stopwords and keeps negations by default', () => {
    assert.equal(DEFAULT_TEXT_OPTIONS.keepNegations, true);
    const doc = cleanDocument({ body });
    assert.deepEqual(doc.tokensNoStop, ['not', 'good', 'never', 'liked', 'dont', 'buy', 'no']);
  });

  it('drops negations too when keepNegations is false', () => {
    const doc = cleanDocument({ body }, { keepNegations: false });
    assert.deepEqual(doc.tokensNoStop, ['good', 'liked', 'buy']);
  });

  it('stems with Porter in English, or not at all when stem is false', () => {
    const doc = cleanDocument({ body: 'The runners were running between connected connections' });
    assert.deepEqual(doc.stems, ['runner', 'run', 'connect', 'connect']);
    const unstemmed = cleanDocument({ body: 'The runners were running' }, { stem: false });
    assert.deepEqual(unstemmed.stems, unstemmed.tokensNoStop);
  });

  it('handles Spanish: stopwords, negations, accents and the Spanish stemmer', () => {
    const doc = cleanDocument({ body: 'Las canciones NO eran buenísimas, pero la película sí.' }, { language: 'es' });
    assert.equal(doc.language, 'es');
    assert.deepEqual(doc.tokens, ['las', 'canciones', 'no', 'eran', 'buenísimas', 'pero', 'la', 'película', 'sí']);
    assert.deepEqual(doc.tokensNoStop, ['canciones', 'no', 'eran', 'buenísimas', 'película']);
    assert.deepEqual(doc.stems, ['cancion', 'no', 'eran', 'buenisim', 'pelicul']);
  });

  it('leaves numbers, ids and very long tokens unstemmed', () => {
    assert.equal(stemToken('running', 'en'), 'run');
    assert.equal(stemToken('mp3s', 'en'), 'mp3s');
    const long = 'connections'.repeat(4);
    assert.equal(stemToken(long, 'en'), long);
  });

  it('documentFeatures returns exactly the list cleanDocument would', () => {
    const input = { title: 'Great Phones', body: "Batteries aren't lasting; screens are gorgeous! <b>Buy</b>" };
    for (const options of [{}, { keepNegations: false }, { stem: false }, { language: 'es' as const }]) {
      const doc = cleanDocument(input, options);
      assert.deepEqual(documentFeatures(input, 'tokens', options), doc.tokens);
      assert.deepEqual(documentFeatures(input, 'tokensNoStop', options), doc.tokensNoStop);
      assert.deepEqual(documentFeatures(input, 'stems', options), doc.stems);
    }
  });

  it('rejects unsupported languages', () => {
    assert.throws(() => cleanDocument({ body: 'x' }, { language: 'fr' as never }), /unsupported language/);
  });
});

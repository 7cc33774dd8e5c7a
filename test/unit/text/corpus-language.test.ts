import assert from 'node:assert/strict';
import { detectCorpusLanguage } from '../../../src/text';

describe('corpus language detection', () => {
  it('takes the language most documents are confidently in; unsure documents do not vote', () => {
    const es = ['La comida es muy buena y el servicio también', 'No me gustó la película, pero los actores son buenos'];
    const en = ['The food was great and the staff were friendly', 'It is not what I expected from this brand'];
    const unsure = ['12345', 'ok', 'http://example.com'];
    const mostlySpanish = detectCorpusLanguage([...es, ...es, ...en, ...unsure].map((body) => ({ body })));
    assert.equal(mostlySpanish.language, 'es');
    assert.deepEqual(mostlySpanish.votes, { es: 4, en: 2 });
    assert.equal(mostlySpanish.documents, 9);
    assert.equal(detectCorpusLanguage([...en, ...en, ...es].map((body) => ({ body }))).language, 'en');
    assert.equal(detectCorpusLanguage(unsure.map((body) => ({ body }))).language, null);
    assert.equal(detectCorpusLanguage([{ title: 'La casa de los espíritus', body: 'y el libro que es de la autora' }]).language, 'es');
  });

  it('looks at the first maxDocuments documents only', () => {
    const docs = [
      ...Array(5).fill({ body: 'the cat is on the mat and it is fine' }),
      ...Array(50).fill({ body: 'el gato está en la casa y es muy bonito' }),
    ];
    assert.equal(detectCorpusLanguage(docs, 5).language, 'en');
    assert.equal(detectCorpusLanguage(docs).language, 'es');
  });
});

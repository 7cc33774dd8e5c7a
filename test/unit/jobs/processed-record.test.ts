import assert from 'node:assert/strict';
import { assertProcessedShape, completeProcessedRecord, type PartialProcessedRecord } from '../../../src/jobs/processed-record';
import { PermanentTaskError } from '../../../src/jobs/task-errors';
import { cleanDocument, resolveTextOptions, type TextOptions } from '../../../src/text';
import { sampleMessages } from '../../helpers/corpus';

function glueShaped(title: string, body: string, options: TextOptions): PartialProcessedRecord {
  const clean = cleanDocument({ title, body }, options);
  return {
    id: 'r1',
    source: { key: 'raw/x.csv', line: 2 },
    label: null,
    text: clean.text,
    text_clean: clean.textClean,
    tokens: clean.tokens,
    tokens_nostop: clean.tokensNoStop,
  };
}

describe('completeProcessedRecord (records from the Glue job)', () => {
  const documents = [
    ...sampleMessages(40, 300).map((m) => ({ title: m.subject, body: m.body })),
    { title: 'NOT BAD', body: 'Honestly not bad at all :) but the box was DAMAGED!!!' },
  ];

  for (const language of ['en', 'es'] as const) {
    for (const stem of [true, false]) {
      it(`fills stems and sentiment exactly as cleanDocument (${language}, stem=${stem})`, () => {
        const options = resolveTextOptions({ language, stem });
        for (const doc of documents) {
          const full = cleanDocument(doc, options);
          const completed = completeProcessedRecord(glueShaped(doc.title, doc.body, options), options);
          assert.deepEqual(completed.stems, full.stems);
          assert.deepEqual(completed.sentiment, full.sentiment);
          assert.equal('text' in completed, false, 'the raw text is not carried into scoring');
        }
      });
    }
  }

  it('detects the language per document when the model says so', () => {
    const options = resolveTextOptions({ language: 'en', detectLanguage: true });
    const doc = { title: 'Muy malo', body: 'El producto no funciona y la caja llegó rota, no lo recomiendo para nada.' };
    const full = cleanDocument(doc, options);
    assert.equal(full.language, 'es');
    const completed = completeProcessedRecord(glueShaped(doc.title, doc.body, options), options);
    assert.deepEqual(completed.stems, full.stems);
    assert.deepEqual(completed.sentiment, full.sentiment);
  });

  it('keeps stems and sentiment that are already there (in-worker records)', () => {
    const options = resolveTextOptions({});
    const record = { ...glueShaped('t', 'good', options), stems: ['x'], sentiment: { compound: 0.9, label: 'positive' as const } };
    const completed = completeProcessedRecord(record, options);
    assert.deepEqual(completed.stems, ['x']);
    assert.deepEqual(completed.sentiment, { compound: 0.9, label: 'positive' });
  });

  it('falls back to text_clean for VADER when the raw text is missing', () => {
    const options = resolveTextOptions({});
    const withoutText = glueShaped('', 'This is great', options);
    delete withoutText.text;
    assert.ok(completeProcessedRecord(withoutText, options).sentiment.compound > 0.05);
  });

  it('rejects lines that are not processed records', () => {
    assert.throws(() => assertProcessedShape({ id: 'x', tokens: [] }, 'k line 1'), PermanentTaskError);
    assert.throws(() => assertProcessedShape(null, 'k line 1'), PermanentTaskError);
    assert.doesNotThrow(() => assertProcessedShape({ id: 'x', text_clean: '', tokens: [], tokens_nostop: [] }, 'k'));
  });
});

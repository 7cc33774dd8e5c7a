/**
 * Builds test/fixtures/processed-record-vectors.json from src/text (the reference): documents with
 * the processed record every ETL path must write for them (text_clean, tokens, tokens_nostop,
 * stems, VADER compound and label, language), under several text options and with and without PII
 * redaction; plus word -> stem tables and PII redactions. glue/tests/test_processed_vectors.py
 * checks the Glue job's Python port against it; test/unit/processed-vectors.test.ts fails when the
 * file is stale. Regenerate: `node dist/test/helpers/processed-vectors.js` (after `npm run build`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanDocument, redactDocumentPii, redactPii, stemToken, type Language, type TextOptions } from '../../src/text';
import { repoRoot } from '../../src/util/repo-root';
import { sampleMessages } from './corpus';

export const PROCESSED_VECTORS_PATH = ['test', 'fixtures', 'processed-record-vectors.json'] as const;

interface DocumentInput {
  name: string;
  title: string;
  body: string;
}

const SENTIMENT_DOCUMENTS: DocumentInput[] = [
  { name: 'caps and exclamations', title: 'GREAT', body: 'This is AMAZING!!! I love it so much :)' },
  { name: 'negation, lower and upper case', title: 'Not bad', body: 'NOT BAD at all, not good either. Never so happy.' },
  { name: 'but shifts the weight', title: '', body: 'The screen is nice but the battery is terrible and support was useless.' },
  { name: 'boosters and dampeners', title: '', body: 'It was extremely good, kind of slow, barely working, sort of okay.' },
  { name: 'idioms and least', title: '', body: 'That movie was the bomb, yeah right. At least it was not the least bit boring.' },
  { name: 'typographic apostrophes', title: 'Don’t buy', body: 'I don’t like it and it isn’t worth the money??' },
  { name: 'question marks', title: '', body: 'Is it good??? Really???? Why would anyone like this?' },
  { name: 'emoticons and edge marks', title: '', body: ':( sad... ;) wink, :-D grin!! "great", (fine) -ok-' },
  { name: 'mixed caps ratio', title: 'WORST PURCHASE EVER', body: 'TERRIBLE quality, AWFUL service, but the delivery was fast.' },
  { name: 'empty body', title: '', body: '' },
  { name: 'only punctuation', title: '', body: '!!! ??? ...' },
  { name: 'spanish positive', title: 'Muy bueno', body: 'El producto es muy bueno, me encanta y funciona perfectamente.' },
  { name: 'spanish negated', title: 'Malo', body: 'No es bueno, nunca funcionó bien. Jamás lo volveré a comprar, es pésimo.' },
  { name: 'spanish dampened', title: '', body: 'Es un poco caro y apenas útil, pero la atención fue excelente.' },
  { name: 'spanish accents and ñ', title: 'Niño', body: 'La canción está bien; el niño está contentísimo con el regalo de cumpleaños.' },
  { name: 'spanish pronoun suffixes', title: '', body: 'Cómpralo, dámelo, diciéndoselo, poniéndolas en la mesa, haciéndolo bien.' },
  {
    name: 'english stems',
    title: '',
    body: 'running runner runs ran happily happiness connection connections relational conditional generalization',
  },
  {
    name: 'pii everywhere',
    title: 'Call me',
    body: 'Mail john.doe@example.com or call +1 (555) 123-4567, see https://example.com/x and bit.ly/abc.',
  },
  { name: 'pii negatives', title: '', body: 'on 2024-01-15 at 10:30, order 1234567890, version 1.2.3, costs $1 234 567' },
  {
    name: 'french (other language)',
    title: 'Très bon',
    body: 'Le produit est très bon et nous sommes contents, mais la livraison était lente et le carton abîmé.',
  },
  {
    name: 'german (other language)',
    title: '',
    body: 'Das ist nicht gut, aber der Preis ist auch sehr niedrig und ich bin zufrieden mit dem Kauf.',
  },
  { name: 'non-latin script', title: '很好', body: '这个产品非常好，我很喜欢。Очень хороший товар, рекомендую всем. Πολύ καλό προϊόν.' },
  { name: 'numbers only', title: '', body: '12345 67890 2024 42' },
  {
    name: 'long text without markers',
    title: '',
    body: 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ut enim minim veniam quis nostrud',
  },
];

const OPTION_SETS: Array<{ name: string; options: TextOptions }> = [
  { name: 'en', options: { language: 'en', keepNegations: true, stem: true, detectLanguage: false } },
  { name: 'en-dropneg-nostem', options: { language: 'en', keepNegations: false, stem: false, detectLanguage: false } },
  { name: 'es', options: { language: 'es', keepNegations: true, stem: true, detectLanguage: false } },
  { name: 'detect-en', options: { language: 'en', keepNegations: true, stem: true, detectLanguage: true } },
];

const PII_TEXTS = [
  'write to john.doe@example.com today',
  'JOHN_DOE+spam@Mail.Example.CO.UK',
  '<a href="mailto:ana@correo.es">Ana</a>',
  'ends with a period: bob@example.org.',
  'unicode: josé.garcía@correo.es',
  "o'brien@example.ie",
  'thanks @support! meet @ 5pm root@localhost a@b',
  'see https://example.com/a?b=1&c=2#frag now',
  'visit www.example.org.',
  '(https://en.wikipedia.org/wiki/Foo_(bar)) and more',
  'go to bit.ly/3abcXYZ! bought it on amazon.com last week; EXAMPLE.CO.UK/Path',
  'https://例え.jp/パス',
  'e.g. this, i.e. that; see Node.js and report.pdf; pi is 3.14; U.S. and a.m.; version 1.2.3; foo.bar',
  ...['+1 (555) 123-4567', '(555) 123-4567', '555.123.4567', '+44 20 7946 0958', '0044 20 7946 0958', '+14155552671', '1-800-555-0199'].map(
    (p) => `call ${p} now, Tel:${p}.`,
  ),
  ...['91 234 56 78', '555-1234', '+49 (0)30 1234567', '06 12 34 56 78'].map((p) => `call ${p} now`),
  'on 2024-01-15 at 10:30; on 15/01/2024 and 15.01.2024; from 1990-1995; in 2019 2020 2021',
  'server 192.168.100.200; costs $1 234 567 or 1 234 567 €; costs 1,234,567.89 USD',
  'order 1234567890; order #12345678; ISBN 978-3-16-148410-0; pi = 3.14159265; score 12 3456',
  'counted 1 2 3 4 5 6 7; version 10.0.19045.2965; sku AB-123-456-7890',
  'https://example.com/555-123-4567 and 5551234567@example.com',
];

function record(input: DocumentInput, options: TextOptions, redact: boolean) {
  const row = redact ? redactDocumentPii({ title: input.title, body: input.body }) : input;
  const clean = cleanDocument({ title: row.title, body: row.body }, options);
  return {
    text_clean: clean.textClean,
    tokens: clean.tokens,
    tokens_nostop: clean.tokensNoStop,
    stems: clean.stems,
    sentiment: clean.sentiment,
    language: clean.language,
  };
}

function words(texts: string[], language: Language, limit: number): Record<string, string> {
  const seen = new Set<string>();
  for (const text of texts) for (const token of cleanDocument({ body: text }, { language }).tokens) seen.add(token);
  return Object.fromEntries(
    [...seen]
      .sort()
      .slice(0, limit)
      .map((w) => [w, stemToken(w, language)]),
  );
}

export function buildProcessedVectors() {
  const cleaning = JSON.parse(readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'cleaning-vectors.json'), 'utf8')).vectors as Array<
    DocumentInput & { title: string }
  >;
  // Real mail (headers stripped), cut short: the fixture stays a few hundred kB.
  const mail = sampleMessages(16, 5000).map((m, i) => ({ name: `mail ${i}`, title: m.subject, body: m.body.slice(0, 1200) }));
  const inputs: DocumentInput[] = [
    ...cleaning.map((v) => ({ name: `cleaning: ${v.name}`, title: v.title, body: v.body })),
    ...SENTIMENT_DOCUMENTS,
    ...mail,
  ];
  const documents = [];
  for (const input of inputs) {
    for (const { name, options } of OPTION_SETS) {
      for (const redact of [false, true]) {
        documents.push({
          name: `${input.name} [${name}${redact ? ', redacted' : ''}]`,
          title: input.title,
          body: input.body,
          options,
          redactPii: redact,
          expected: record(input, options, redact),
        });
      }
    }
  }
  const english = sampleMessages(150, 200).map((m) => `${m.subject}\n${m.body}`);
  const spanishLexiconWords = Object.keys(
    JSON.parse(readFileSync(require.resolve('natural/lib/natural/sentiment/Spanish/afinnShortSortedSpanish.json'), 'utf8')) as object,
  ).concat(SENTIMENT_DOCUMENTS.filter((d) => d.name.startsWith('spanish')).flatMap((d) => [d.title, d.body]));
  return {
    comment:
      'Generated by test/helpers/processed-vectors.ts from src/text; do not edit. The processed record every ETL path writes, checked against the Glue job (glue/tests/test_processed_vectors.py).',
    documents,
    stems: { en: words(english, 'en', 3000), es: words(spanishLexiconWords, 'es', 3000) },
    pii: PII_TEXTS.map((text) => ({ text, expected: redactPii(text) })),
  };
}

export function renderProcessedVectors(): string {
  return JSON.stringify(buildProcessedVectors()) + '\n';
}

if (require.main === module) {
  const file = path.join(repoRoot(), ...PROCESSED_VECTORS_PATH);
  writeFileSync(file, renderProcessedVectors());
  process.stdout.write(`wrote ${file}\n`);
}

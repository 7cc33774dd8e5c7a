import assert from 'node:assert/strict';
import { SentimentIntensityAnalyzer } from 'vader-sentiment';
import { createRng } from '../../../src/model';
import { cleanDocument, cleanText, cleanTokens, vaderCompound } from '../../../src/text';
import { traceCleaning } from '../../../src/text/cleaning-trace';

/*
 * The tokenizer has three loops (ASCII text read as bytes with case folding and inner apostrophes
 * handled in place; other text without surrogates; text with surrogate pairs) and VADER hashes
 * words during its scan unless a kept edge mark makes it hash again. Random texts built to reach
 * every branch are compared with the step-by-step regular-expression pipeline (traceCleaning) and
 * with the vader-sentiment package.
 */

function randomTexts(seed: number, pieces: readonly string[], count: number, maxPieces: number): string[] {
  const random = createRng(seed);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = Math.floor(random() * maxPieces);
    for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)];
    texts.push(text);
  }
  return texts;
}

const ASCII_PIECES = [
  'a',
  'Z',
  'q',
  'T',
  '5',
  '0',
  "'",
  "''",
  ' ',
  '\n',
  '.',
  '-',
  '_',
  'don',
  "n't",
  'ROCK',
  "'n'",
  'x'.repeat(31),
  '&amp;',
  '&copy',
  '<b>',
  '</i>',
  'http://x.io/a',
  'a@b.co',
  '@me',
];
const WIDE_PIECES = [
  ...ASCII_PIECES,
  'é',
  'É',
  '’',
  'ʼ',
  'İ',
  'Σ',
  'ß',
  '\u0301',
  '&eacute;',
  '&nbsp;',
  '中',
  '\u00a0',
  '😀',
  '𝐀',
  '\ud800',
  '\udc00',
  'ﬁ',
];

describe('cleaning scan paths (fast loops against the reference definitions)', () => {
  it('tokenises ASCII text (case folded, inner apostrophes dropped, in the scan) exactly like the regular-expression pipeline', () => {
    for (const text of randomTexts(11, ASCII_PIECES, 4000, 40)) {
      const expected = traceCleaning(text).tokens;
      assert.deepEqual(cleanTokens(text), expected, JSON.stringify(text));
      assert.equal(cleanText(text), expected.join(' '), JSON.stringify(text));
    }
  });

  it('tokenises text with accents, entities, typographic apostrophes and surrogate pairs exactly like the pipeline', () => {
    for (const text of randomTexts(12, WIDE_PIECES, 4000, 40)) {
      const expected = traceCleaning(text).tokens;
      assert.deepEqual(cleanTokens(text), expected, JSON.stringify(text));
      assert.equal(cleanText(text), expected.join(' '), JSON.stringify(text));
    }
  });

  it('gives a document the same tokens whether or not an emoji sends it to the surrogate-pair loop midway', () => {
    const words = 'Café naïve déjà vu coöperate 42 über-cool';
    const plain = cleanDocument({ body: `${words} ${words}` });
    const withEmoji = cleanDocument({ body: `${words} ${words} 😀` });
    assert.deepEqual(withEmoji.tokens, plain.tokens);
    assert.deepEqual(withEmoji.stems, plain.stems);
    assert.equal(withEmoji.textClean, plain.textClean);
  });

  it('scores words with edge marks, inner marks and capitals like vader-sentiment (hashed in the scan or again)', () => {
    // Lower case: the package's case-sensitive negation bug cannot apply.
    const pieces = [
      'good',
      'bad',
      'not',
      "isn't",
      'very',
      'but',
      'kind',
      'of',
      'great',
      'least',
      'at',
      ' ',
      ' ',
      ' ',
      '.',
      ',',
      '!',
      '?',
      '!?',
      '...',
      '-',
      "'",
      '"',
      '(',
      ')',
      ':)',
      ':(',
      'no',
      'never',
      'so',
      'this',
      'the',
      'bomb',
      'x',
    ];
    for (const text of randomTexts(13, pieces, 3000, 30)) {
      assert.equal(vaderCompound(text), SentimentIntensityAnalyzer.polarity_scores(text).compound, JSON.stringify(text));
    }
  });
});

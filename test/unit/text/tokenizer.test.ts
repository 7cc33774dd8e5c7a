import assert from 'node:assert/strict';
import { createRng } from '../../../src/model';
import { cleanTokens, vaderCompound } from '../../../src/text';
import { isJsWhitespace } from '../../../src/text/sentiment/vader';
import { stopwordBit, Vocabulary } from '../../../src/text/vocabulary';
import { WordTable } from '../../../src/text/word-table';

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

describe('tokenizer internals (char-code scans instead of regular expressions)', () => {
  it('splits words exactly like /[\\p{L}\\p{M}\\p{N}]+/u on any UTF-16 text, astral letters and lone surrogates included', () => {
    const random = createRng(9);
    const pieces = [
      'a',
      'Z',
      'é',
      'Ω',
      'ß',
      'İ',
      'ǅ',
      '٣',
      '5',
      '\u0301',
      '\u200d',
      ' ',
      '\t',
      '.',
      '-',
      '_',
      '𝐀',
      '😀',
      '\ud800',
      '\udc00',
      '中',
      'ー',
      'ﬁ',
      '\u00a0',
    ];
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const length = Math.floor(random() * 30);
      for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)];
      const expected = text.normalize('NFC').toLowerCase().match(WORD) ?? [];
      assert.deepEqual(cleanTokens(text), expected, JSON.stringify(text));
    }
  });

  it("knows JavaScript's \\s for every code unit (what VADER's split uses)", () => {
    for (let c = 0; c < 0x10000; c++) assert.equal(isJsWhitespace(c), /\s/.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
    assert.equal(vaderCompound('good\u2003GOOD\u00a0bad'), vaderCompound('good GOOD bad'));
  });

  it('looks words up by slice, ASCII-folded or exact, and grows', () => {
    const table = new WordTable(['not', 'good', "don't"], 2);
    for (let i = 0; i < 100; i++) table.add(`w${i}`);
    const text = 'xx NOT Good dont w77 w100';
    const hash = (from: number, to: number) => {
      let h = WordTable.HASH_START;
      for (let i = from; i < to; i++) h = WordTable.hashStep(h, text.charCodeAt(i));
      return h;
    };
    assert.equal(table.getAsciiLower(text, 3, 6), table.get('not'));
    assert.equal(table.getAsciiLower(text, 7, 11), table.get('good'));
    assert.equal(table.getAsciiLower(text, 12, 16), -1);
    assert.equal(table.getExactHashed(text, 17, 20, hash(17, 20)), table.get('w77'));
    assert.equal(table.getExactHashed(text, 21, 25, hash(21, 25)), -1);
    assert.equal(table.size, 103);
  });

  it('bounds the vocabulary: past its capacity it starts over between documents', () => {
    const vocabulary = new Vocabulary(5);
    const intern = (word: string) => {
      let h = WordTable.HASH_START;
      for (let i = 0; i < word.length; i++) h = WordTable.hashStep(h, word.charCodeAt(i));
      return vocabulary.intern(word, 0, word.length, h);
    };
    const words = ['the', 'cats', 'running', 'are', 'happy', 'jumping', 'dogs'];
    const ids = words.map(intern);
    assert.equal(vocabulary.size, 7); // never mid-document
    assert.equal(vocabulary.word(ids[6]), 'dogs');
    assert.equal(vocabulary.stem(ids[2], 'en'), 'run');
    assert.ok(vocabulary.isStopword(ids[0], stopwordBit('en', true)));
    assert.ok(!vocabulary.isStopword(ids[1], stopwordBit('en', true)));
    vocabulary.startDocument();
    assert.equal(vocabulary.size, 0);
    assert.equal(vocabulary.stem(intern('jumping'), 'en'), 'jump');
  });
});

import { removeAddresses } from './addresses';
import { decodeHtmlEntities } from './html-entities';
import { isInternable, vocabulary } from './vocabulary';
import { unitTable } from './unit-table';
import { WordTable } from './word-table';

// Compiled once: cleaning runs on every document of every batch.
const SCRIPT_OR_STYLE = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
// A tag starts with a letter (or "/" or "!" + letter), so "a < b > c" in prose survives.
const HTML_TAG = /<[/!]?[a-zA-Z][^<>]*>/g;
const URL = /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"]+/gi;
const URL_HINT = /:\/\/|www\./i;
// "don't" -> "dont" rather than "don t": negations must stay one token for the stopword filter.
// The apostrophe comes first and the letter before it is a look-behind: a leading look-behind
// would be tried at every position of the text (15x slower on mail).
const INNER_APOSTROPHE = /['’ʼ](?<=\p{L}.)(?=\p{L})/gu;
const APOSTROPHE_HINT = /['’ʼ]/;
// The definition of a word; the tokenizer below scans char codes to the same effect (tested against it).
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const NON_ASCII = /[\u0080-\uffff]/;

/** `text` of the data dictionary: the title and the body, one per line. */
export function composeText(title: string | undefined, body: string): string {
  return title ? `${title}\n${body}` : body;
}

/**
 * The text `text_clean` is cut from, before lower-casing: NFC (when not ASCII), markup, URLs,
 * e-mail addresses and @mentions removed. `ids.inputAscii` says whether the result is ASCII.
 */
function strippedText(text: string, ids: TokenIds): string {
  const ascii = !NON_ASCII.test(text);
  let s = ascii ? text : text.normalize('NFC');
  if (s.includes('<')) {
    s = s.replace(SCRIPT_OR_STYLE, ' ').replace(HTML_COMMENT, ' ').replace(HTML_TAG, ' ');
  }
  const decoded = decodeHtmlEntities(s);
  // An entity can decode to a character outside ASCII (&nbsp;, &eacute;).
  ids.inputAscii = ascii && (decoded === s || !NON_ASCII.test(decoded));
  s = decoded;
  if (URL_HINT.test(s)) s = s.replace(URL, ' ');
  return removeAddresses(s);
}

/** Lower case, apostrophes inside words dropped: what the general scan reads. */
function lowerCased(stripped: string): string {
  const s = stripped.toLowerCase();
  return APOSTROPHE_HINT.test(s) ? s.replace(INNER_APOSTROPHE, '') : s;
}

/** A word is a run of letters, marks and digits of any script: `/[\p{L}\p{M}\p{N}]+/u`. */
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
/** Per UTF-16 code unit: 1 for a word character (surrogates: 0, see `astralWordUnits`). */
const WORD_UNIT = unitTable(WORD_CHAR.source);
const SURROGATE_FIRST = 0xd800;
const SURROGATE_LAST = 0xdfff;
const astralClass = new Map<number, boolean>();

function isWordCodePoint(cp: number): boolean {
  let word = astralClass.get(cp);
  if (word === undefined) {
    word = WORD_CHAR.test(String.fromCodePoint(cp));
    if (astralClass.size < 10_000) astralClass.set(cp, word);
  }
  return word;
}

/** 2 when u[i] (a surrogate, c) starts a pair that is an astral word character, else 0. */
function astralWordUnits(u: Uint16Array, n: number, i: number, c: number): number {
  if (c > 0xdbff || i + 1 >= n) return 0;
  const low = u[i + 1];
  if (low < 0xdc00 || low > 0xdfff) return 0;
  return isWordCodePoint(((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000) ? 2 : 0;
}

/**
 * Vocabulary ids of the last `cleanTokensWithIds` call (-1: not interned), and its tokens joined by
 * single spaces while they were scanned (when all ASCII), reused between calls.
 */
export class TokenIds {
  ids = new Int32Array(512);
  /** The tokens' code units separated by spaces, valid when `ascii` (see `joined`). */
  bytes = Buffer.alloc(4096);
  joinedLength = 0;
  ascii = true;
  /** Whether the stripped text of the last scan was ASCII (it then took `scanAscii`). */
  inputAscii = true;
  /**
   * The tokens as they are found; a scan returns a copy of exactly its tokens (one allocation of
   * the final size instead of an array grown by half again and again). Keeps the last long
   * document's tokens until overwritten.
   */
  words: string[] = [];
  /** The stripped text as Latin-1 bytes for `scanAscii`, or as UTF-16 for `scanGeneral` (`units`). */
  input = Buffer.alloc(8192);
  units = new Uint16Array(this.input.buffer, this.input.byteOffset, this.input.length >> 1);

  /**
   * `tokens.join(' ')` for the tokens of the last scan: one copy of the bytes written during the
   * scan when they were all ASCII (Array.prototype.join costs ~40-60 ns a token, as much as finding
   * the token), else the join itself.
   */
  joined(tokens: readonly string[]): string {
    return this.ascii ? this.bytes.toString('latin1', 0, this.joinedLength) : tokens.join(' ');
  }

  ensureBytes(capacity: number): void {
    if (capacity > this.bytes.length) this.bytes = Buffer.alloc(Math.max(capacity, 2 * this.bytes.length));
  }

  /** Room for `capacity` bytes in `input` (twice the text's length for its UTF-16 units). */
  ensureInput(capacity: number): void {
    if (capacity <= this.input.length) return;
    this.input = Buffer.alloc(Math.max(capacity, 2 * this.input.length));
    this.units = new Uint16Array(this.input.buffer, this.input.byteOffset, this.input.length >> 1);
  }

  ensure(capacity: number): void {
    if (capacity <= this.ids.length) return;
    let size = this.ids.length * 2;
    while (size < capacity) size *= 2;
    const grown = new Int32Array(size);
    grown.set(this.ids);
    this.ids = grown;
  }
}

/**
 * The words of `text_clean`, with their vocabulary ids in `ids` (see Vocabulary): one pass over
 * the stripped text finds each word, lower-cased, and hashes it, and a word seen before is the
 * same string again, with its stopword flags and stem at hand.
 */
export function cleanTokensWithIds(text: string, ids: TokenIds): string[] {
  const stripped = strippedText(text, ids);
  vocabulary.startDocument();
  // Scratch arrays are sized here, out of the scan loops, whose code then has no growth path to
  // first take mid-run: a token and the separator after it take at least two code units, tokens
  // plus single spaces never exceed the text, and lower-casing outside ASCII can lengthen it.
  // Two loops rather than one with rare branches: the ASCII one (most documents) never meets a
  // character it has not seen, so V8 optimises it once instead of re-optimising it as documents
  // with accents, astral letters or typographic apostrophes first come by.
  if (ids.inputAscii) {
    const n = stripped.length;
    ids.ensureInput(n);
    ids.ensureBytes(n);
    ids.ensure((n >> 1) + 1);
    return scanAscii(stripped, ids);
  }
  const s = lowerCased(stripped);
  const n = s.length;
  // Read from a UTF-16 copy: one array type whatever V8's representation of the string (one or
  // two bytes a character, flat or not), so the loop is optimised once.
  ids.ensureInput(2 * n);
  ids.input.write(s, 0, 2 * n, 'utf16le');
  ids.ensure((n >> 1) + 1);
  ids.ensureBytes(n);
  // A surrogate pair (emoji, an astral letter) is rare: such a document is scanned again by the
  // loop that reads pairs, so the common loop has no call it would first make mid-run.
  return scanBasic(ids, n) ?? scanGeneral(s, ids);
}

/** Per UTF-16 code unit: 1 in a word, 0 a separator, SURROGATE half of a pair (see `scanGeneral`). */
const SURROGATE = 2;
const UNIT_CLASS = WORD_UNIT.slice();
UNIT_CLASS.fill(SURROGATE, SURROGATE_FIRST, SURROGATE_LAST + 1);

/**
 * The tokenizer for a text without surrogates (lower case, inner apostrophes dropped), read from
 * the `n` UTF-16 units in `ids.units`; null as soon as it meets a surrogate.
 */
function scanBasic(ids: TokenIds, n: number): string[] | null {
  const u = ids.units;
  const input = ids.input;
  const idArray = ids.ids;
  const bytes = ids.bytes;
  const tokens = ids.words;
  let count = 0;
  let written = 0;
  let ascii = true;
  let i = 0;
  while (i < n) {
    let c = u[i];
    let cls = UNIT_CLASS[c];
    if (cls !== 1) {
      if (cls === SURROGATE) return null;
      i++;
      continue;
    }
    const start = i;
    let hash = WordTable.HASH_START;
    let hasDigit = false;
    if (written > 0) bytes[written++] = 32;
    for (;;) {
      // ASCII word characters are digits (<= 57) and letters; only ASCII goes to `bytes`.
      if (c < 128) {
        if (c <= 57) hasDigit = true;
        bytes[written++] = c;
      } else ascii = false;
      hash = WordTable.hashStep(hash, c);
      if (++i >= n) break;
      c = u[i];
      cls = UNIT_CLASS[c];
      if (cls !== 1) {
        if (cls === SURROGATE) return null;
        break;
      }
    }
    const k = count++;
    if (isInternable(i - start, hasDigit)) {
      const id = vocabulary.internUnits(u, input, start, i, hash);
      idArray[k] = id;
      tokens[k] = vocabulary.word(id);
    } else {
      idArray[k] = -1;
      tokens[k] = input.toString('utf16le', 2 * start, 2 * i);
    }
  }
  ids.joinedLength = written;
  ids.ascii = ascii;
  return tokens.slice(0, count);
}

// Classes of the ASCII scan, by byte (a separator is 0; letters compare >= LOWER).
const DIGIT = 1;
const LOWER = 2;
const UPPER = 3;
const ASCII_CLASS = new Uint8Array(256);
for (let c = 48; c <= 57; c++) ASCII_CLASS[c] = DIGIT;
for (let c = 97; c <= 122; c++) ASCII_CLASS[c] = LOWER;
for (let c = 65; c <= 90; c++) ASCII_CLASS[c] = UPPER;
const APOSTROPHE = 39;

/**
 * `scanGeneral(lowerCased(s))` for an ASCII `s`, without building the lower-case copy: letters are
 * folded and an apostrophe between two letters skipped ("Don't" -> "dont") as the word is read,
 * from a Latin-1 copy of the text (typed-array reads cost less than charCodeAt). The token's bytes
 * written for `text_clean` are what its vocabulary id is looked up by.
 */
function scanAscii(s: string, ids: TokenIds): string[] {
  // ids.input, ids.bytes and ids.ids are sized by the caller.
  const n = s.length;
  const src = ids.input;
  src.write(s, 0, n, 'latin1');
  const bytes = ids.bytes;
  const tokens = ids.words;
  let count = 0;
  const idArray = ids.ids;
  let written = 0;
  let i = 0;
  while (i < n) {
    let cls = ASCII_CLASS[src[i]];
    if (cls === 0) {
      i++;
      continue;
    }
    if (written > 0) bytes[written++] = 32;
    const from = i;
    const begin = written;
    let hash = WordTable.HASH_START;
    let hasDigit = false;
    // The token differs from s.slice(from, i): upper case folded or an apostrophe dropped.
    let rewritten = false;
    for (;;) {
      let c = src[i];
      if (cls === UPPER) {
        c |= 32;
        rewritten = true;
      } else if (cls === DIGIT) hasDigit = true;
      hash = WordTable.hashStep(hash, c);
      bytes[written++] = c;
      if (++i >= n) break;
      cls = ASCII_CLASS[src[i]];
      if (cls === 0) {
        // INNER_APOSTROPHE: a letter before (this word's last character) and a letter after.
        if (src[i] !== APOSTROPHE || i + 1 >= n || ASCII_CLASS[src[i - 1]] < LOWER || ASCII_CLASS[src[i + 1]] < LOWER) break;
        rewritten = true;
        cls = ASCII_CLASS[src[++i]];
      }
    }
    const k = count++;
    if (isInternable(written - begin, hasDigit)) {
      const id = vocabulary.internBytes(bytes, begin, written, hash);
      idArray[k] = id;
      tokens[k] = vocabulary.word(id);
    } else {
      idArray[k] = -1;
      tokens[k] = rewritten ? bytes.toString('latin1', begin, written) : s.slice(from, i);
    }
  }
  ids.joinedLength = written;
  ids.ascii = true;
  return tokens.slice(0, count);
}

/**
 * The tokenizer for any text (already lower case, inner apostrophes dropped), whose UTF-16 units
 * are in `ids.units` (sized by the caller).
 */
function scanGeneral(s: string, ids: TokenIds): string[] {
  const tokens = ids.words;
  let count = 0;
  const n = s.length;
  const u = ids.units;
  const input = ids.input;
  const idArray = ids.ids;
  const bytes = ids.bytes;
  let written = 0;
  let ascii = true;
  let i = 0;
  while (i < n) {
    let c = u[i];
    if (WORD_UNIT[c] === 0 && (c < SURROGATE_FIRST || c > SURROGATE_LAST || astralWordUnits(u, n, i, c) === 0)) {
      i++;
      continue;
    }
    const start = i;
    let hash = WordTable.HASH_START;
    let hasDigit = false;
    if (written > 0) bytes[written++] = 32;
    for (;;) {
      if (WORD_UNIT[c] === 1) {
        // ASCII word characters are digits (<= 57) and letters; only ASCII goes to `bytes`.
        if (c < 128) {
          if (c <= 57) hasDigit = true;
          bytes[written++] = c;
        } else ascii = false;
        hash = WordTable.hashStep(hash, c);
        i++;
      } else {
        if (c < SURROGATE_FIRST || c > SURROGATE_LAST || astralWordUnits(u, n, i, c) === 0) break;
        ascii = false;
        hash = WordTable.hashStep(WordTable.hashStep(hash, c), u[i + 1]);
        i += 2;
      }
      if (i >= n) break;
      c = u[i];
    }
    const k = count++;
    if (isInternable(i - start, hasDigit)) {
      const id = vocabulary.internUnits(u, input, start, i, hash);
      idArray[k] = id;
      tokens[k] = vocabulary.word(id);
    } else {
      idArray[k] = -1;
      tokens[k] = input.toString('utf16le', 2 * start, 2 * i);
    }
  }
  ids.joinedLength = written;
  ids.ascii = ascii;
  return tokens.slice(0, count);
}

const scratch = new TokenIds();

/**
 * The words of `text_clean`: markup, URLs, e-mail addresses, @mentions and punctuation removed,
 * lower case. Letters of every script keep their accents (NFC); digits are words too.
 */
export function cleanTokens(text: string): string[] {
  return cleanTokensWithIds(text, scratch);
}

/** `text_clean` of the data dictionary: the cleaned words separated by single spaces. */
export function cleanText(text: string): string {
  return scratch.joined(cleanTokensWithIds(text, scratch));
}

/** Splits a `text_clean` string back into its words. */
export function tokenize(textClean: string): string[] {
  return textClean === '' ? [] : textClean.split(' ');
}

/** The patterns above, for the cleaning trace (src/text/cleaning-trace.ts) that must match them exactly. */
export const CLEANING_PATTERNS = {
  SCRIPT_OR_STYLE,
  HTML_COMMENT,
  HTML_TAG,
  URL,
  URL_HINT,
  INNER_APOSTROPHE,
  APOSTROPHE_HINT,
  WORD,
  NON_ASCII,
} as const;

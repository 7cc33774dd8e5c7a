import { WordTable } from '../word-table';
import { vaderLexicon } from './vader-lexicon';

/*
 * VADER (Hutto & Gilbert, ICWSM 2014) compound score, following the rules of the `vader-sentiment`
 * 1.1.3 JavaScript port so scores match it, except that every rule which compares words
 * (negations, "never so", "but", idioms) compares them lower-cased, as upstream Python VADER does.
 * The port compares negations case-sensitively, so "Not bad" scored -0.54 while "not bad" scored
 * +0.43. Capitalisation still matters where VADER means it to: ALL-CAPS emphasis. Typographic
 * apostrophes are read as "'" so "don’t" negates like "don't".
 */

const BOOST_UP = 0.293;
const BOOST_DOWN = -0.293;
const CAPS_BOOST = 0.733;
const CAPS_DAMPEN = -0.733;
const NEGATION_SCALAR = -0.74;
const NORMALISATION_ALPHA = 15;

const NEGATIONS = new Set([
  'aint',
  'arent',
  'cannot',
  'cant',
  'couldnt',
  'darent',
  'didnt',
  'doesnt',
  'dont',
  'hadnt',
  'hasnt',
  'havent',
  'isnt',
  'mightnt',
  'mustnt',
  'neednt',
  'oughtnt',
  'shant',
  'shouldnt',
  'wasnt',
  'werent',
  'wont',
  'wouldnt',
  "ain't",
  "aren't",
  "can't",
  "couldn't",
  "daren't",
  "didn't",
  "doesn't",
  "don't",
  "hadn't",
  "hasn't",
  "haven't",
  "isn't",
  "mightn't",
  "mustn't",
  "needn't",
  "oughtn't",
  "shan't",
  "shouldn't",
  "wasn't",
  "weren't",
  "won't",
  "wouldn't",
  'neither',
  'never',
  'none',
  'nope',
  'nor',
  'not',
  'nothing',
  'nowhere',
  'uhuh',
  'uh-uh',
  'without',
  'rarely',
  'seldom',
  'despite',
]);

const INTENSIFIERS = [
  'absolutely',
  'amazingly',
  'awfully',
  'completely',
  'considerably',
  'decidedly',
  'deeply',
  'effing',
  'enormously',
  'entirely',
  'especially',
  'exceptionally',
  'extremely',
  'fabulously',
  'flipping',
  'flippin',
  'fricking',
  'frickin',
  'frigging',
  'friggin',
  'fully',
  'fucking',
  'greatly',
  'hella',
  'highly',
  'hugely',
  'incredibly',
  'intensely',
  'majorly',
  'more',
  'most',
  'particularly',
  'purely',
  'quite',
  'really',
  'remarkably',
  'so',
  'substantially',
  'thoroughly',
  'totally',
  'tremendously',
  'uber',
  'unbelievably',
  'unusually',
  'utterly',
  'very',
];
const DAMPENERS = [
  'almost',
  'barely',
  'hardly',
  'just enough',
  'kind of',
  'kinda',
  'kindof',
  'kind-of',
  'less',
  'little',
  'marginally',
  'occasionally',
  'partly',
  'scarcely',
  'slightly',
  'somewhat',
  'sort of',
  'sorta',
  'sortof',
  'sort-of',
];
const BOOSTERS = new Map<string, number>([
  ...INTENSIFIERS.map((w): [string, number] => [w, BOOST_UP]),
  ...DAMPENERS.map((w): [string, number] => [w, BOOST_DOWN]),
]);

const IDIOMS = new Map<string, number>([
  ['the shit', 3],
  ['the bomb', 3],
  ['bad ass', 1.5],
  ['yeah right', -2],
  ['cut the mustard', 2],
  ['kiss of death', -1.5],
  ['hand to mouth', -2],
]);

/** VADER strips one leading or trailing mark from this list when the rest is a clean word. */
const EDGE_MARKS = new Set(['.', '!', '?', ',', ';', ':', '-', "'", '"', '!!', '!!!', '??', '???', '?!?', '!?!', '?!?!', '!?!?']);

/** Python's string.punctuation, as a lookup by char code. */
const ASCII_PUNCTUATION = new Uint8Array(128);
for (const ch of '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') ASCII_PUNCTUATION[ch.charCodeAt(0)] = 1;

function isPunctuation(code: number): boolean {
  return code < 128 && ASCII_PUNCTUATION[code] === 1;
}

function hasPunctuation(word: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isPunctuation(word.charCodeAt(i))) return true;
  return false;
}

/** Keeps emoticons and contractions; "word," and "!!word" lose their mark. */
function trimEdgeMark(token: string): string {
  let start = 0;
  while (start < token.length && isPunctuation(token.charCodeAt(start))) start++;
  if (start === token.length) return token;
  let end = token.length;
  while (end > start && isPunctuation(token.charCodeAt(end - 1))) end--;
  if (start > 0 && end < token.length) return token;
  if (start > 0) {
    return token.length - start > 1 && EDGE_MARKS.has(token.slice(0, start)) && !hasPunctuation(token, start, token.length)
      ? token.slice(start)
      : token;
  }
  if (end < token.length) {
    return end > 1 && EDGE_MARKS.has(token.slice(end)) && !hasPunctuation(token, 0, end) ? token.slice(0, end) : token;
  }
  return token;
}

const TYPOGRAPHIC_APOSTROPHE = /[’ʼ]/g;

/** Words of the idioms and of the two-word boosters: phrases made of other words cannot match. */
const PHRASE_WORDS = new Set([...IDIOMS.keys(), ...BOOSTERS.keys()].filter((p) => p.includes(' ')).flatMap((p) => p.split(' ')));

/** JavaScript's `\s` (what `split(/\s+/)` splits on), by UTF-16 code unit. */
export function isJsWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Every word a rule looks at: the lexicon, negations, boosters, idiom words and the few words the
 * rules name ("but", "least", "never", ...). Tokens outside it only count (for ALL-CAPS
 * emphasis), take a position, and negate when they contain "n't"; they are never built as
 * strings.
 */
interface RuleWords {
  table: WordTable;
  /** Per word id: lexicon valence, NaN when the word is not in the lexicon. */
  valence: Float64Array;
  /** Per word id: booster scalar, 0 when none. */
  booster: Float64Array;
  negation: Uint8Array;
  phrase: Uint8Array;
  but: number;
  /**
   * Per word id + 1 (slot 0: a word no rule knows, id -1), 1 when the word is "never", "so" or
   * "this", "least" that negates (not in the lexicon), "at" or "very", "kind", "of": the rules read these flags
   * for every word instead of comparing ids only when a rare word comes by (a comparison V8 first
   * meets in optimised code sends it back to the interpreter).
   */
  neverFlag: Uint8Array;
  soOrThisFlag: Uint8Array;
  leastFlag: Uint8Array;
  atOrVeryFlag: Uint8Array;
  kindFlag: Uint8Array;
  ofFlag: Uint8Array;
  /** Idiom valence by phraseKey of its word ids. */
  phrases: ReadonlyMap<number, number>;
  /** phraseKeys of the two-word boosters ("kind of", "sort of", "just enough"). */
  boosterPhrases: ReadonlySet<number>;
}

let ruleWords: RuleWords | undefined;

/** 1 at (id + 1) of each of `words` (see RuleWords.neverFlag). */
function flags(table: WordTable, words: readonly string[]): Uint8Array {
  const flag = new Uint8Array(table.size + 1);
  for (const word of words) flag[table.get(word) + 1] = 1;
  return flag;
}

function rules(): RuleWords {
  if (ruleWords) return ruleWords;
  const lexicon = vaderLexicon();
  const named = ['but', 'least', 'kind', 'of', 'so', 'this', 'never', 'at', 'very'];
  const table = new WordTable(
    [...lexicon.keys(), ...NEGATIONS, ...[...BOOSTERS.keys()].filter((w) => !w.includes(' ')), ...PHRASE_WORDS, ...named],
    lexicon.size + 200,
  );
  const n = table.size;
  const valence = new Float64Array(n).fill(Number.NaN);
  const booster = new Float64Array(n);
  const negation = new Uint8Array(n);
  const phrase = new Uint8Array(n);
  table.words.forEach((word, id) => {
    const v = lexicon.get(word);
    if (v !== undefined) valence[id] = v;
    booster[id] = BOOSTERS.get(word) ?? 0;
    negation[id] = NEGATIONS.has(word) ? 1 : 0;
    phrase[id] = PHRASE_WORDS.has(word) ? 1 : 0;
  });
  const id = (word: string) => table.get(word);
  ruleWords = {
    table,
    valence,
    booster,
    negation,
    phrase,
    but: id('but'),
    kindFlag: flags(table, ['kind']),
    ofFlag: flags(table, ['of']),
    neverFlag: flags(table, ['never']),
    soOrThisFlag: flags(table, ['so', 'this']),
    leastFlag: flags(table, lexicon.has('least') ? [] : ['least']),
    atOrVeryFlag: flags(table, ['at', 'very']),
    phrases: new Map(),
    boosterPhrases: new Set(),
  };
  const keyOf = (phrase: string) => {
    const ids = phrase.split(' ').map(id);
    return ids.length === 2 ? phraseKey(ids[0], ids[1]) : phraseKey(ids[0], ids[1], ids[2]);
  };
  if (table.size >= 16384) throw new Error('VADER word table too large for phrase keys');
  for (const [phrase, valence] of IDIOMS) (ruleWords.phrases as Map<number, number>).set(keyOf(phrase), valence);
  for (const phrase of BOOSTERS.keys()) if (phrase.includes(' ')) (ruleWords.boosterPhrases as Set<number>).add(keyOf(phrase));
  return ruleWords;
}

/**
 * The document's words (whitespace-separated, longer than one code unit, one edge mark trimmed)
 * as word ids: -1 for a word no rule looks at. Reused between documents.
 */
class Scan {
  ids = new Int32Array(1024);
  /** The word is ALL CAPS (Python's isupper on ASCII). */
  caps = new Uint8Array(1024);
  /** The lower-cased word is a negation ("not", or contains "n't"). */
  negated = new Uint8Array(1024);
  length = 0;
  capitals = 0;
  exclamations = 0;
  questions = 0;

  ensure(capacity: number): void {
    if (capacity <= this.ids.length) return;
    let size = this.ids.length * 2;
    while (size < capacity) size *= 2;
    const grow = <T extends Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.ids = grow(this.ids, (k) => new Int32Array(k));
    this.caps = grow(this.caps, (k) => new Uint8Array(k));
    this.negated = grow(this.negated, (k) => new Uint8Array(k));
  }
}

const scan = new Scan();

/** Per ASCII code: a one-character edge mark. */
const SINGLE_EDGE_MARK = new Uint8Array(128);
/** Runs of "!" and "?" that are edge marks, by `markRunKey`. */
const EDGE_MARK_RUNS = new Uint8Array(64);

/** A number naming a run of up to 4 marks: a leading 1 bit, then 0 for "!" and 1 for anything else. */
function markRunKey(u: ArrayLike<number>, from: number, to: number): number {
  let key = 1;
  for (let i = from; i < to; i++) key = (key << 1) | (u[i] === 33 ? 0 : 1);
  return key;
}

for (const mark of EDGE_MARKS) {
  if (mark.length === 1) SINGLE_EDGE_MARK[mark.charCodeAt(0)] = 1;
  else
    EDGE_MARK_RUNS[
      markRunKey(
        [...mark].map((ch) => ch.charCodeAt(0)),
        0,
        mark.length,
      )
    ] = 1;
}

/** EDGE_MARKS.has(text.slice(from, to)) read from the text's units (the range holds ASCII marks only). */
function isEdgeMark(u: Uint16Array, from: number, to: number): boolean {
  const length = to - from;
  if (length === 1) return SINGLE_EDGE_MARK[u[from]] === 1;
  if (length > 4) return false;
  for (let i = from; i < to; i++) {
    const c = u[i];
    if (c !== 33 && c !== 63) return false; // only runs of ! and ? are longer marks
  }
  return EDGE_MARK_RUNS[markRunKey(u, from, to)] === 1;
}

/** WordTable.hashStep over u[from, to) with A-Z folded (what `getFoldedUnitsHashed` expects). */
function foldedHash(u: Uint16Array, from: number, to: number): number {
  let hash = WordTable.HASH_START;
  for (let i = from; i < to; i++) {
    const c = u[i];
    hash = WordTable.hashStep(hash, c >= 65 && c <= 90 ? c | 32 : c);
  }
  return hash;
}

// Character classes for the one-pass word scan, by UTF-16 code unit (64 KiB, of which the hot
// ASCII part stays in cache): one table read per character, no branch on the character's range.
const SPACE = 1;
const MARK = 2;
const UPPER = 4;
const LOWER = 8;
/** Outside ASCII and not white space: the word takes the string path (`wideWord`). */
const WIDE = 16;
const UNIT_CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  if (isJsWhitespace(c)) UNIT_CLASS[c] = SPACE;
  else if (c >= 128) UNIT_CLASS[c] = WIDE;
  else if (isPunctuation(c)) UNIT_CLASS[c] = MARK;
  else if (c >= 65 && c <= 90) UNIT_CLASS[c] = UPPER;
  else if (c >= 97 && c <= 122) UNIT_CLASS[c] = LOWER;
}

/** The text's UTF-16 code units, copied natively (typed-array reads cost less than charCodeAt). Reused. */
let unitBytes = Buffer.alloc(8192);
let units = new Uint16Array(unitBytes.buffer, unitBytes.byteOffset, unitBytes.length >> 1);

function unitsOf(text: string, n: number): Uint16Array {
  if (2 * n > unitBytes.length) {
    unitBytes = Buffer.alloc(Math.max(2 * n, 2 * unitBytes.length));
    units = new Uint16Array(unitBytes.buffer, unitBytes.byteOffset, unitBytes.length >> 1);
  }
  unitBytes.write(text, 0, 2 * n, 'utf16le');
  return units;
}

/** Set by `wideWord`: whether the word it looked up is a negation. */
let wideNegated = false;

/**
 * A word with a character outside ASCII: lower-casing can change lengths, so this takes the string
 * path. Out of line: the scan's loop stays the same for documents that never have one.
 */
function wideWord(text: string, start: number, end: number, words: RuleWords): number {
  let lower = text.slice(start, end).toLowerCase();
  if (lower.includes('’') || lower.includes('ʼ')) lower = lower.replace(TYPOGRAPHIC_APOSTROPHE, "'");
  lower = trimEdgeMark(lower);
  const id = words.table.get(lower);
  wideNegated = (id >= 0 && words.negation[id] === 1) || lower.includes("n't");
  return id;
}

/**
 * Splits on whitespace and looks each word up. One pass over each word's characters gathers what
 * the rules need (ALL CAPS, edge marks, "n't") and hashes it lower-cased from its first character
 * that is not a mark, so a plain ASCII word is looked up without a second read and costs no string.
 */
function scanWords(text: string, words: RuleWords): Scan {
  const out = scan;
  out.length = 0;
  const table = words.table;
  const maxLength = table.maxLength;
  const n = text.length;
  const u = unitsOf(text, n);
  // A word and the space after it take at least two code units.
  out.ensure((n >> 1) + 1);
  let exclamations = 0;
  let questions = 0;
  let capitals = 0;
  let i = 0;
  while (i < n) {
    if (UNIT_CLASS[u[i]] === SPACE) {
      i++;
      continue;
    }
    const start = i;
    let wide = false;
    let hasLower = false;
    let hasUpper = false;
    let marks = 0;
    // First character that is not a mark, and one past the last one.
    let lead = -1;
    let trail = start;
    // Hash of the folded units from `lead` on, and its value at `trail`.
    let hash = WordTable.HASH_START;
    let trailHash = hash;
    let notContraction = false;
    for (; i < n; i++) {
      let c = u[i];
      // Most frequent first: lower-case letters, capitals, then marks and spaces.
      const cls = UNIT_CLASS[c];
      if (cls === LOWER) hasLower = true;
      else if (cls === UPPER) {
        hasUpper = true;
        c |= 32;
      } else if (cls === MARK) {
        marks++;
        if (c === 33) exclamations++;
        else if (c === 63) questions++;
        else if (c === 39 && i > start && i + 1 < n && (u[i - 1] | 32) === 110 && (u[i + 1] | 32) === 116) notContraction = true;
        if (lead >= 0) hash = WordTable.hashStep(hash, c);
        continue;
      } else if (cls === SPACE) break;
      else if (cls === WIDE) wide = true;
      if (lead < 0) lead = i;
      hash = WordTable.hashStep(hash, c);
      trail = i + 1;
      trailHash = hash;
    }
    const end = i;
    if (end - start <= 1) continue;
    const k = out.length++;
    const caps = hasUpper && !hasLower;
    out.caps[k] = caps ? 1 : 0;
    if (caps) capitals++;
    let id: number;
    let negated: boolean;
    if (!wide) {
      let from = start;
      let to = end;
      if (lead >= 0 && marks > 0) {
        // VADER's edge-mark trim: one leading or one trailing run of marks, when the rest is clean.
        if (lead > start && trail === end) {
          if (end - lead > 1 && marks === lead - start && isEdgeMark(u, start, lead)) from = lead;
        } else if (lead === start && trail < end) {
          if (trail - start > 1 && marks === end - trail && isEdgeMark(u, trail, end)) to = trail;
        }
      }
      // Looked up only when short enough to be a rule word: mail is full of long tokens (markup,
      // base64, URLs) that no rule names. The scan's hash covers [lead, trail); other ranges (a
      // mark kept at the start) are hashed again.
      if (to - from > maxLength) id = -1;
      else if (from === lead && to === trail) id = table.getFoldedUnitsHashed(u, from, to, trailHash);
      else id = table.getFoldedUnitsHashed(u, from, to, foldedHash(u, from, to));
      negated = (id >= 0 && words.negation[id] === 1) || notContraction;
    } else {
      id = wideWord(text, start, end, words);
      negated = wideNegated;
    }
    out.ids[k] = id;
    out.negated[k] = negated ? 1 : 0;
  }
  out.exclamations = exclamations;
  out.questions = questions;
  out.capitals = capitals;
  return out;
}

function negationCheck(valence: number, s: Scan, w: RuleWords, distance: number, i: number): number {
  const ids = s.ids;
  // A factor of 1 rather than an early return: the multiplication runs for every word.
  let factor: number;
  if (distance === 0) {
    factor = s.negated[i - 1] === 1 ? NEGATION_SCALAR : 1;
  } else if (distance === 1) {
    // "never so/this good"
    const neverSo = w.neverFlag[ids[i - 2] + 1] & w.soOrThisFlag[ids[i - 1] + 1];
    factor = neverSo === 1 ? 1.5 : s.negated[i - 2] === 1 ? NEGATION_SCALAR : 1;
  } else {
    const neverSo = (w.neverFlag[ids[i - 3] + 1] & w.soOrThisFlag[ids[i - 2] + 1]) | w.soOrThisFlag[ids[i - 1] + 1];
    factor = neverSo === 1 ? 1.25 : s.negated[i - 3] === 1 ? NEGATION_SCALAR : 1;
  }
  return valence * factor;
}

function idiomCheck(valence: number, s: Scan, w: RuleWords, i: number): number {
  const n = s.length;
  let near = false;
  for (let j = Math.max(0, i - 3); j < Math.min(n, i + 3) && !near; j++) near = s.ids[j] >= 0 && w.phrase[s.ids[j]] === 1;
  if (!near) return valence;
  // Word ids, -1 for a word no rule knows or a position outside the text: it matches no phrase.
  const id = (j: number) => (j >= 0 && j < n ? s.ids[j] : -1);
  const w0 = id(i);
  const w1 = id(i - 1);
  const w2 = id(i - 2);
  const w3 = id(i - 3);
  const found =
    w.phrases.get(phraseKey(w1, w0)) ??
    w.phrases.get(phraseKey(w2, w1, w0)) ??
    w.phrases.get(phraseKey(w2, w1)) ??
    w.phrases.get(phraseKey(w3, w2, w1)) ??
    w.phrases.get(phraseKey(w3, w2));
  if (found !== undefined) valence = found;
  if (n - 1 > i) valence = w.phrases.get(phraseKey(w0, id(i + 1))) ?? valence;
  if (n - 1 > i + 1) valence = w.phrases.get(phraseKey(w0, id(i + 1), id(i + 2))) ?? valence;
  if (w.boosterPhrases.has(phraseKey(w3, w2)) || w.boosterPhrases.has(phraseKey(w2, w1))) valence += BOOST_DOWN;
  return valence;
}

/** A number naming a sequence of two or three word ids (ids < 2^14); -1 when a word is unknown. */
function phraseKey(a: number, b: number, c = -2): number {
  if (a < 0 || b < 0 || c === -1) return -1;
  return c === -2 ? 1 + a * 16384 + b : 1 + (a * 16384 + b) * 16384 + c + 2 ** 28;
}

function inLexicon(w: RuleWords, id: number): boolean {
  return id >= 0 && !Number.isNaN(w.valence[id]);
}

function wordValence(s: Scan, w: RuleWords, i: number, capsDiffer: boolean): number {
  let valence = w.valence[s.ids[i]];
  // Adding 0 instead of skipping the addition, here and below: see RuleWords.neverFlag.
  valence += capsDiffer && s.caps[i] === 1 ? (valence > 0 ? CAPS_BOOST : CAPS_DAMPEN) : 0;
  for (let distance = 0; distance < 3; distance++) {
    const j = i - distance - 1;
    if (j < 0 || inLexicon(w, s.ids[j])) continue;
    const booster = s.ids[j] >= 0 ? w.booster[s.ids[j]] : 0;
    let scalar = booster * (valence < 0 ? -1 : 1);
    const capsBooster = (capsDiffer ? s.caps[j] : 0) * (booster !== 0 ? 1 : 0);
    scalar += capsBooster * (valence > 0 ? CAPS_BOOST : CAPS_DAMPEN);
    if (distance === 1) scalar *= 0.95;
    else if (distance === 2) scalar *= 0.9;
    valence = negationCheck(valence + scalar, s, w, distance, i);
    if (distance === 2) valence = idiomCheck(valence, s, w, i);
  }
  // "least" before a word negates it, unless "at least" / "very least".
  if (i === 0) return valence;
  const least = w.leastFlag[s.ids[i - 1] + 1];
  const shielded = i > 1 ? w.atOrVeryFlag[s.ids[i - 2] + 1] : 0;
  return valence * ((least & (shielded ^ 1)) === 1 ? NEGATION_SCALAR : 1);
}

function punctuationEmphasis(exclamations: number, questions: number): number {
  const questionBoost = questions <= 1 ? 0 : questions <= 3 ? questions * 0.18 : 0.96;
  return Math.min(exclamations, 4) * 0.292 + questionBoost;
}

/** Maps an unbounded valence sum into [-1, 1]. */
export function normaliseValence(sum: number, alpha = NORMALISATION_ALPHA): number {
  const score = sum / Math.sqrt(sum * sum + alpha);
  return Math.max(-1, Math.min(1, score));
}

let valences = new Float64Array(1024);

/** VADER's compound score in [-1, 1], rounded to 4 decimals like the package. Works on raw text. */
export function vaderCompound(text: string): number {
  const w = rules();
  const s = scanWords(text, w);
  const n = s.length;
  if (n === 0) return 0;
  const capsDiffer = s.capitals > 0 && s.capitals < n;
  if (valences.length < n) valences = new Float64Array(s.ids.length);
  let but = -1;
  for (let i = 0; i < n; i++) {
    const id = s.ids[i];
    valences[i] = 0;
    if (id < 0) continue;
    if (but === -1 && id === w.but) but = i;
    const isKindOf = (w.kindFlag[id + 1] & (i < n - 1 ? w.ofFlag[s.ids[i + 1] + 1] : 0)) === 1;
    if (!isKindOf && w.booster[id] === 0 && !Number.isNaN(w.valence[id])) valences[i] = wordValence(s, w, i, capsDiffer);
  }

  // A contrastive "but" halves what came before it and strengthens what follows.
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const weight = but === -1 || i === but ? 1 : i < but ? 0.5 : 1.5;
    sum += valences[i] * weight;
  }
  if (sum === 0) return 0;
  const emphasis = punctuationEmphasis(s.exclamations, s.questions);
  sum += sum > 0 ? emphasis : -emphasis;
  return Number.parseFloat(normaliseValence(sum).toFixed(4));
}

/*
 * The Porter stemmer exactly as `natural` 8.1.1 implements it (lib/natural/stemmers/porter_stemmer.js),
 * quirks included, with string scans instead of the dozens of regular expressions it runs per
 * word (about ten times faster on a word not seen before). Models store stems, so a stem must
 * never change: test/unit/text/porter.test.ts compares both on every word of the SpamAssassin
 * corpus and on random strings built to reach every rule.
 *
 * natural's "groups" (categorizeGroups): a run of consonants followed by "y" is C then V, a run of
 * a/e/i/o/u is one V, and every other run of symbols that are not V is one C. A "y" vowel and the
 * vowel run after it stay two V groups, so the measure m (VC pairs once a leading C and a trailing V
 * are dropped) can be a half: natural's arithmetic, kept.
 */

const A = 97;
const E = 101;
const I = 105;
const O = 111;
const U = 117;
const Y = 121;

function isAeiou(c: number): boolean {
  return c === A || c === E || c === I || c === O || c === U;
}

function isAeiouy(c: number): boolean {
  return isAeiou(c) || c === Y;
}

/** Whether position i of `word` is a vowel in natural's per-character categorisation (categorizeChars). */
function isVowelChar(word: string, i: number): boolean {
  const c = word.charCodeAt(i);
  if (isAeiou(c)) return true;
  return c === Y && i > 0 && !isAeiouy(word.charCodeAt(i - 1));
}

/**
 * natural's categorizeGroups over word[0, end), summarised: the number of groups, whether the
 * first is C, whether the last is V, and whether any group but the last is V.
 */
interface Groups {
  count: number;
  firstIsC: boolean;
  lastIsV: boolean;
  vowelBeforeLast: boolean;
  anyVowel: boolean;
}

const groups: Groups = { count: 0, firstIsC: false, lastIsV: false, vowelBeforeLast: false, anyVowel: false };

function categorize(word: string, end: number): Groups {
  let count = 0;
  // 0: none yet, 1: consonant group, 2: vowel run (aeiou), 3: "y" vowel
  let last = 0;
  let vowels = 0;
  let firstIsC = false;
  for (let i = 0; i < end; i++) {
    const c = word.charCodeAt(i);
    let kind: number;
    if (isAeiou(c)) kind = 2;
    else if (c === Y && i > 0 && !isAeiouy(word.charCodeAt(i - 1))) kind = 3;
    else kind = 1;
    // Consonants merge, aeiou runs merge; a "y" vowel is a group of its own.
    if (kind === last && kind !== 3) continue;
    if (count === 0) firstIsC = kind === 1;
    count++;
    if (kind !== 1) vowels++;
    last = kind;
  }
  groups.count = count;
  groups.firstIsC = firstIsC;
  groups.lastIsV = last === 2 || last === 3;
  groups.anyVowel = vowels > 0;
  groups.vowelBeforeLast = vowels - (groups.lastIsV ? 1 : 0) > 0;
  return groups;
}

/** natural's measure(word[0, end)): -1 for an empty (or absent) word. */
function measure(word: string, end: number): number {
  if (end <= 0) return -1;
  const g = categorize(word, end);
  const rest = g.count - (g.firstIsC ? 1 : 0);
  // Times 0.5 rather than / 2: the same value, but V8 sees a fraction from the first call instead
  // of assuming integers and re-optimising the stemmer when a half first comes out.
  return (rest - (rest > 0 && g.lastIsV ? 1 : 0)) * 0.5;
}

/** categorizeChars(word).substr(start, 3) === 'CVC' with substr's negative-start clamping. */
function cvcAt(word: string, from: number): boolean {
  const start = from < 0 ? Math.max(word.length + from, 0) : from;
  if (start + 3 > word.length) return false;
  return !isVowelChar(word, start) && isVowelChar(word, start + 1) && !isVowelChar(word, start + 2);
}

function endsWithDoubleConsonant(word: string): boolean {
  const n = word.length;
  if (n < 2) return false;
  const c = word.charCodeAt(n - 1);
  return c === word.charCodeAt(n - 2) && !isAeiou(c);
}

function lastCode(word: string): number {
  return word.charCodeAt(word.length - 1);
}

type Rule = readonly [suffix: string, replacement: string];
/** Rules by the last code unit of their suffix, in their original order. */
type RuleSet = ReadonlyMap<number, readonly Rule[]>;

function ruleSet(rules: readonly Rule[]): RuleSet {
  const byLast = new Map<number, Rule[]>();
  for (const rule of rules) {
    const last = rule[0].charCodeAt(rule[0].length - 1);
    byLast.set(last, [...(byLast.get(last) ?? []), rule]);
  }
  return byLast;
}

/**
 * natural's attemptReplacePatterns: every rule whose suffix the ORIGINAL word has (and whose stem
 * has measure > threshold, when given) rewrites the CURRENT result if it still ends with that
 * suffix; a rewrite to the empty string is ignored.
 */
function replaceSuffixes(word: string, rules: RuleSet, threshold: number | null): string {
  let result = word;
  // Only rules whose suffix ends like the original word can apply (the original must end with it).
  const candidates = rules.get(lastCode(word));
  if (candidates === undefined) return word;
  for (const [suffix, replacement] of candidates) {
    if (threshold !== null) {
      const stemEnd = word.endsWith(suffix) ? word.length - suffix.length : -1;
      if (!(measure(word, stemEnd) > threshold)) continue;
    }
    if (result.endsWith(suffix)) {
      const next = result.slice(0, result.length - suffix.length) + replacement;
      if (next !== '') result = next;
    }
  }
  return result;
}

function step1a(word: string): string {
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ies')) return word.slice(0, -2);
  const n = word.length;
  if (lastCode(word) === 115 && word.charCodeAt(n - 2) !== 115 && n > 2) return word.slice(0, -1);
  return word;
}

const STEP1B_RULES = ruleSet([
  ['at', 'ate'],
  ['bl', 'ble'],
  ['iz', 'ize'],
]);

function step1b(word: string): string {
  if (word.endsWith('eed')) {
    return measure(word, word.length - 3) > 0 ? word.slice(0, -1) : word;
  }
  let stem: string;
  if (word.endsWith('ed')) stem = word.slice(0, -2);
  else if (word.endsWith('ing')) stem = word.slice(0, -3);
  else return word;
  if (stem === '') return word;
  if (!categorize(stem, stem.length).anyVowel) return word;
  const replaced = replaceSuffixes(stem, STEP1B_RULES, null);
  if (replaced !== stem) return replaced;
  if (endsWithDoubleConsonant(stem)) {
    const c = lastCode(stem);
    if (c !== 108 && c !== 115 && c !== 122) return stem.slice(0, -1);
  }
  if (measure(stem, stem.length) === 1 && cvcAt(stem, -3)) {
    const c = lastCode(stem);
    if (c !== 119 && c !== 120 && c !== Y) return stem + 'e';
  }
  return stem;
}

function step1c(word: string): string {
  if (lastCode(word) === Y && categorize(word, word.length).vowelBeforeLast) return word.slice(0, -1) + 'i';
  return word;
}

const STEP2_RULES = ruleSet([
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['abli', 'able'],
  ['bli', 'ble'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['logi', 'log'],
]);

const STEP3_RULES = ruleSet([
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
]);

const STEP4_SUFFIXES = new Set([
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
]);

function step4(word: string): string {
  // /^(.+?)(al|ance|...)$/: the shortest non-empty stem whose remainder is one of the suffixes.
  const n = word.length;
  for (let p = Math.max(1, n - 5); p <= n - 2; p++) {
    if (STEP4_SUFFIXES.has(word.slice(p))) {
      if (measure(word, p) > 1) return word.slice(0, p);
      break;
    }
  }
  // /^(.+?)(s|t)(ion)$/ keeping the stem and the s/t.
  if (n >= 5 && word.endsWith('ion')) {
    const c = word.charCodeAt(n - 4);
    if ((c === 115 || c === 116) && measure(word, n - 3) > 1) return word.slice(0, n - 3);
  }
  return word;
}

function step5a(word: string): string {
  const endsWithE = lastCode(word) === E;
  const m = measure(word, endsWithE ? word.length - 1 : word.length);
  if (m > 1 || (m === 1 && !(cvcAt(word, -4) && word.length >= 2 && !isWxy(word.charCodeAt(word.length - 2))))) {
    return endsWithE ? word.slice(0, -1) : word;
  }
  return word;
}

function isWxy(c: number): boolean {
  return c === 119 || c === 120 || c === Y;
}

function step5b(word: string): string {
  if (measure(word, word.length) > 1 && word.endsWith('ll')) return word.slice(0, -1);
  return word;
}

/** natural's PorterStemmer.stem. */
export function porterStem(token: string): string {
  if (token.length < 3) return token;
  let word = token.toLowerCase();
  word = step1a(word);
  word = step1b(word);
  word = step1c(word);
  word = replaceSuffixes(word, STEP2_RULES, 0);
  word = replaceSuffixes(word, STEP3_RULES, 0);
  word = step4(word);
  word = step5a(word);
  return step5b(word);
}

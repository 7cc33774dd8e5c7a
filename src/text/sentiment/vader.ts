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

const WHITESPACE = /\s+/;
const TYPOGRAPHIC_APOSTROPHE = /[’ʼ]/g;

interface Words {
  /** As written: ALL-CAPS emphasis needs the capitals. */
  words: string[];
  /** Lower case, typographic apostrophes ("don’t", common from phone keyboards) read as "'". */
  lower: string[];
}

function wordsAndEmoticons(text: string): Words {
  // Lower-casing the whole text once is much cheaper than word by word; whitespace is unchanged
  // by lower-casing, so both splits line up token for token.
  let lowerText = text.toLowerCase();
  if (lowerText.includes('’') || lowerText.includes('ʼ')) lowerText = lowerText.replace(TYPOGRAPHIC_APOSTROPHE, "'");
  const raw = text.split(WHITESPACE);
  const rawLower = lowerText.split(WHITESPACE);
  const words: string[] = [];
  const lower: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i].length <= 1) continue;
    words.push(trimEdgeMark(raw[i]));
    lower.push(trimEdgeMark(rawLower[i]));
  }
  return { words, lower };
}

/** Python's str.isupper on ASCII: at least one capital and no lower-case letter. */
function isAllCaps(word: string): boolean {
  let capitals = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) capitals++;
  }
  return capitals > 0;
}

function isNegation(lowerWord: string): boolean {
  return NEGATIONS.has(lowerWord) || lowerWord.includes("n't");
}

function boosterScalar(word: string, lowerWord: string, valence: number, capsDiffer: boolean): number {
  let scalar = BOOSTERS.get(lowerWord);
  if (scalar === undefined) return 0;
  if (valence < 0) scalar = -scalar;
  if (capsDiffer && isAllCaps(word)) scalar += valence > 0 ? CAPS_BOOST : -CAPS_BOOST;
  return scalar;
}

function negationCheck(valence: number, lower: readonly string[], distance: number, i: number): number {
  const soOrThis = (w: string) => w === 'so' || w === 'this';
  if (distance === 0) {
    return isNegation(lower[i - 1]) ? valence * NEGATION_SCALAR : valence;
  }
  if (distance === 1) {
    if (lower[i - 2] === 'never' && soOrThis(lower[i - 1])) return valence * 1.5;
    return isNegation(lower[i - 2]) ? valence * NEGATION_SCALAR : valence;
  }
  if ((lower[i - 3] === 'never' && soOrThis(lower[i - 2])) || soOrThis(lower[i - 1])) return valence * 1.25;
  return isNegation(lower[i - 3]) ? valence * NEGATION_SCALAR : valence;
}

/** Words of the idioms and of the two-word boosters: phrases made of other words cannot match. */
const PHRASE_WORDS = new Set([...IDIOMS.keys(), ...BOOSTERS.keys()].filter((p) => p.includes(' ')).flatMap((p) => p.split(' ')));

function idiomCheck(valence: number, lower: readonly string[], i: number): number {
  const near = lower.slice(Math.max(0, i - 3), i + 3);
  if (!near.some((w) => PHRASE_WORDS.has(w))) return valence;
  const w0 = lower[i];
  const w1 = lower[i - 1];
  const w2 = lower[i - 2];
  const w3 = lower[i - 3];
  const twoOne = `${w2} ${w1}`;
  const threeTwo = `${w3} ${w2}`;
  for (const sequence of [`${w1} ${w0}`, `${w2} ${w1} ${w0}`, twoOne, `${w3} ${w2} ${w1}`, threeTwo]) {
    const idiom = IDIOMS.get(sequence);
    if (idiom !== undefined) {
      valence = idiom;
      break;
    }
  }
  if (lower.length - 1 > i) valence = IDIOMS.get(`${w0} ${lower[i + 1]}`) ?? valence;
  if (lower.length - 1 > i + 1) valence = IDIOMS.get(`${w0} ${lower[i + 1]} ${lower[i + 2]}`) ?? valence;
  if (BOOSTERS.has(threeTwo) || BOOSTERS.has(twoOne)) valence += BOOST_DOWN;
  return valence;
}

function leastCheck(valence: number, lower: readonly string[], i: number, lexicon: ReadonlyMap<string, number>): number {
  if (i === 0 || lower[i - 1] !== 'least' || lexicon.has('least')) return valence;
  if (i > 1 && (lower[i - 2] === 'at' || lower[i - 2] === 'very')) return valence;
  return valence * NEGATION_SCALAR;
}

function wordValence(
  words: readonly string[],
  lower: readonly string[],
  i: number,
  capsDiffer: boolean,
  lexicon: ReadonlyMap<string, number>,
): number {
  let valence = lexicon.get(lower[i]);
  if (valence === undefined) return 0;
  if (capsDiffer && isAllCaps(words[i])) valence += valence > 0 ? CAPS_BOOST : -CAPS_BOOST;
  for (let distance = 0; distance < 3; distance++) {
    const j = i - distance - 1;
    if (j < 0 || lexicon.has(lower[j])) continue;
    let scalar = boosterScalar(words[j], lower[j], valence, capsDiffer);
    if (distance === 1) scalar *= 0.95;
    else if (distance === 2) scalar *= 0.9;
    valence = negationCheck(valence + scalar, lower, distance, i);
    if (distance === 2) valence = idiomCheck(valence, lower, i);
  }
  return leastCheck(valence, lower, i, lexicon);
}

function countChar(text: string, ch: string): number {
  let count = 0;
  for (let at = text.indexOf(ch); at !== -1; at = text.indexOf(ch, at + 1)) count++;
  return count;
}

function punctuationEmphasis(text: string): number {
  const exclamations = Math.min(countChar(text, '!'), 4);
  const questions = countChar(text, '?');
  const questionBoost = questions <= 1 ? 0 : questions <= 3 ? questions * 0.18 : 0.96;
  return exclamations * 0.292 + questionBoost;
}

/** Maps an unbounded valence sum into [-1, 1]. */
export function normaliseValence(sum: number, alpha = NORMALISATION_ALPHA): number {
  const score = sum / Math.sqrt(sum * sum + alpha);
  return Math.max(-1, Math.min(1, score));
}

/** VADER's compound score in [-1, 1], rounded to 4 decimals like the package. Works on raw text. */
export function vaderCompound(text: string): number {
  const lexicon = vaderLexicon();
  const { words, lower } = wordsAndEmoticons(text);
  const n = words.length;
  if (n === 0) return 0;
  let capitals = 0;
  for (const word of words) if (isAllCaps(word)) capitals++;
  const capsDiffer = capitals > 0 && capitals < n;

  const valences = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const isKindOf = lower[i] === 'kind' && i < n - 1 && lower[i + 1] === 'of';
    if (!isKindOf && !BOOSTERS.has(lower[i])) valences[i] = wordValence(words, lower, i, capsDiffer, lexicon);
  }

  // A contrastive "but" halves what came before it and strengthens what follows.
  const but = lower.indexOf('but');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const weight = but === -1 || i === but ? 1 : i < but ? 0.5 : 1.5;
    sum += valences[i] * weight;
  }
  if (sum === 0) return 0;
  const emphasis = punctuationEmphasis(text);
  sum += sum > 0 ? emphasis : -emphasis;
  return Number.parseFloat(normaliseValence(sum).toFixed(4));
}

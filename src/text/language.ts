import type { Language } from './options';

/** What a document is written in, as far as function words tell: a supported language, another one, or too little text to say. */
export type DetectedLanguage = Language | 'other' | 'unknown';
export const DETECTED_LANGUAGES: readonly DetectedLanguage[] = ['en', 'es', 'other', 'unknown'];

// Frequent function words that exist in only one of the two languages ("a", "no", "me", "he"...
// are left out on purpose).
export const LANGUAGE_MARKERS: Record<Language, ReadonlySet<string>> = {
  en: new Set([
    'the',
    'and',
    'is',
    'are',
    'was',
    'were',
    'of',
    'to',
    'in',
    'that',
    'it',
    'with',
    'for',
    'this',
    'you',
    'not',
    'have',
    'has',
    'be',
    'on',
    'at',
    'by',
    'from',
    'they',
    'we',
    'i',
    'my',
    'your',
    'but',
    'or',
    'what',
    'which',
    'will',
    'would',
    'there',
    'their',
    'an',
    'been',
    'very',
    'if',
    'just',
  ]),
  es: new Set([
    'el',
    'la',
    'los',
    'las',
    'de',
    'del',
    'que',
    'y',
    'en',
    'un',
    'una',
    'es',
    'por',
    'para',
    'con',
    'su',
    'al',
    'lo',
    'como',
    'más',
    'pero',
    'sus',
    'le',
    'ya',
    'porque',
    'muy',
    'sin',
    'sobre',
    'también',
    'hasta',
    'donde',
    'está',
    'son',
    'fue',
    'esta',
    'este',
    'ser',
    'hay',
    'yo',
    'mi',
    'nos',
    'se',
  ]),
};

// Function words of other common Latin-script languages (fr, de, pt, it, nl), leaving out every
// word that is also English or Spanish ("die", "do", "non", "com", "pelo", "dos"...): they only say
// "not en, not es", so a French review is not scored as Spanish because it has "la" in it.
export const OTHER_MARKERS: ReadonlySet<string> = new Set([
  // fr
  'le',
  'les',
  'des',
  'est',
  'et',
  'une',
  'dans',
  'pas',
  'qui',
  'sur',
  'au',
  'avec',
  'ce',
  'il',
  'elle',
  'nous',
  'vous',
  'je',
  'mais',
  'très',
  'cette',
  'sont',
  'était',
  // de
  'der',
  'das',
  'und',
  'ist',
  'nicht',
  'mit',
  'ein',
  'eine',
  'ich',
  'zu',
  'dem',
  'von',
  'auf',
  'für',
  'sich',
  'auch',
  'sehr',
  'wir',
  'aber',
  'noch',
  'nur',
  // pt
  'não',
  'é',
  'muito',
  'ao',
  'pela',
  'você',
  'foi',
  'uma',
  'isso',
  'então',
  // it
  'di',
  'che',
  'è',
  'gli',
  'della',
  'sono',
  'molto',
  'anche',
  'questo',
  'ho',
  'perché',
  // nl
  'het',
  'een',
  'niet',
  'dat',
  'zijn',
  'voor',
  'ook',
  'maar',
  'ik',
  'wij',
]);

export const LETTER = /\p{L}/u;
export const LATIN_LETTER = /\p{Script=Latin}/u;
/** Below this many words with letters, a document without a clear majority is `unknown`, not `other`. */
export const MIN_WORDS_FOR_OTHER = 20;

/**
 * Names the language of cleaned tokens: `en` or `es` when their function words clearly dominate;
 * `other` when the words are mostly in a non-Latin script, when function words of another language
 * (fr, de, pt, it, nl) outnumber them, or when 20+ words hold no clear majority of either; `unknown`
 * for shorter documents without a majority (a subject line, a list of numbers). Never "English by
 * default": batch statistics count each outcome (src/drift/statistics.ts).
 */
export function identifyLanguage(tokens: readonly string[]): DetectedLanguage {
  let en = 0;
  let es = 0;
  let other = 0;
  let words = 0;
  let nonLatin = 0;
  for (const token of tokens) {
    const marker = MARKER_OF.get(token);
    if (marker === EN) en++;
    else if (marker === ES) es++;
    else if (marker === OTHER) other++;
    const script = firstLetterScript(token);
    if (script === NO_LETTER) continue;
    words++;
    if (script === NON_LATIN) nonLatin++;
  }
  if (words === 0) return 'unknown';
  if (nonLatin * 2 > words) return 'other';
  if (other >= 2 && other > Math.max(en, es)) return 'other';
  if (en > es * 1.5 && en >= 2) return 'en';
  if (es > en * 1.5 && es >= 2) return 'es';
  return words >= MIN_WORDS_FOR_OTHER ? 'other' : 'unknown';
}

const EN = 1;
const ES = 2;
const OTHER = 3;
/** One lookup per token instead of three; English wins over Spanish over the others, as the sets are tested. */
const MARKER_OF = new Map<string, number>([
  ...[...OTHER_MARKERS].map((w): [string, number] => [w, OTHER]),
  ...[...LANGUAGE_MARKERS.es].map((w): [string, number] => [w, ES]),
  ...[...LANGUAGE_MARKERS.en].map((w): [string, number] => [w, EN]),
]);

const NO_LETTER = 0;
const LATIN = 1;
const NON_LATIN = 2;

/**
 * The script of a token's first letter, as `LETTER` then `LATIN_LETTER` would say. Batch statistics
 * call this for every token, so ASCII (letters are Latin, the rest are not letters) is answered
 * without a regular expression; the first non-ASCII character hands the rest to the regexes.
 */
function firstLetterScript(token: string): number {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 0x80) {
      const letter = LETTER.exec(token.slice(i));
      if (letter === null) return NO_LETTER;
      return LATIN_LETTER.test(letter[0]) ? LATIN : NON_LATIN;
    }
    if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return LATIN;
  }
  return NO_LETTER;
}

/**
 * The language to process a document as (stopwords, stemmer, sentiment): the identified one when it
 * is supported, `fallback` otherwise (another language, or too short to tell).
 */
export function detectLanguage(tokens: readonly string[], fallback: Language): Language {
  const identified = identifyLanguage(tokens);
  return identified === 'en' || identified === 'es' ? identified : fallback;
}

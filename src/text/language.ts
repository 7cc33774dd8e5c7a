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
    if (LANGUAGE_MARKERS.en.has(token)) en++;
    else if (LANGUAGE_MARKERS.es.has(token)) es++;
    else if (OTHER_MARKERS.has(token)) other++;
    const letter = LETTER.exec(token);
    if (letter === null) continue;
    words++;
    if (!LATIN_LETTER.test(letter[0])) nonLatin++;
  }
  if (words === 0) return 'unknown';
  if (nonLatin * 2 > words) return 'other';
  if (other >= 2 && other > Math.max(en, es)) return 'other';
  if (en > es * 1.5 && en >= 2) return 'en';
  if (es > en * 1.5 && es >= 2) return 'es';
  return words >= MIN_WORDS_FOR_OTHER ? 'other' : 'unknown';
}

/**
 * The language to process a document as (stopwords, stemmer, sentiment): the identified one when it
 * is supported, `fallback` otherwise (another language, or too short to tell).
 */
export function detectLanguage(tokens: readonly string[], fallback: Language): Language {
  const identified = identifyLanguage(tokens);
  return identified === 'en' || identified === 'es' ? identified : fallback;
}

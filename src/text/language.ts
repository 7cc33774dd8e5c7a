import type { Language } from './options';

// Frequent function words that exist in only one of the two languages ("a", "no", "me", "he"...
// are left out on purpose).
const MARKERS: Record<Language, ReadonlySet<string>> = {
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

/**
 * Guesses en or es from cleaned tokens by counting one-language function words; returns
 * `fallback` when neither language has a clear majority (short or non-prose documents).
 */
export function detectLanguage(tokens: readonly string[], fallback: Language): Language {
  let en = 0;
  let es = 0;
  for (const token of tokens) {
    if (MARKERS.en.has(token)) en++;
    else if (MARKERS.es.has(token)) es++;
  }
  if (en > es * 1.5 && en >= 2) return 'en';
  if (es > en * 1.5 && es >= 2) return 'es';
  return fallback;
}

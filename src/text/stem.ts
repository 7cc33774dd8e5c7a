import porterSpanish from 'natural/lib/natural/stemmers/porter_stemmer_es';
import { GenerationalCache } from './bounded-cache';
import { porterStem } from './porter';
import type { Language } from './options';

/** Words per cache generation; at most twice this many stems are held per language. */
const CACHE_CAPACITY = 100_000;

const stemmers: Record<Language, (token: string) => string> = {
  // natural's Porter stemmer, ported to string scans (src/text/porter.ts): same stems, ~4x faster.
  en: porterStem,
  es: (token) => porterSpanish.stem(token),
};

// natural's stemmers run a dozen regular expressions per word; word frequencies are Zipfian, so
// a small memo removes most of that work.
const caches: Record<Language, GenerationalCache<string>> = {
  en: new GenerationalCache(CACHE_CAPACITY),
  es: new GenerationalCache(CACHE_CAPACITY),
};

const MAX_STEMMABLE_LENGTH = 30;
const DIGIT = /\d/;

/** Whether a digit-free token of this length is stemmed (longer ones are ids, encodings, base64). */
export function isStemmable(length: number): boolean {
  return length <= MAX_STEMMABLE_LENGTH;
}

/** The stemmer itself, uncached, for a lower-case word without digits (callers check isStemmable). */
export function computeStem(token: string, language: Language): string {
  return stemmers[language](token);
}

/**
 * Stems a lower-case token. Spanish stems also lose their accents (natural's Snowball port does
 * that). Tokens with digits or longer than 30 characters (ids, encodings, base64 in mail) are not
 * words: they are returned as they are and kept out of the cache, where they would evict words.
 */
export function stemToken(token: string, language: Language): string {
  const cache = caches[language];
  let stem = cache.get(token);
  if (stem === undefined) {
    if (token.length > MAX_STEMMABLE_LENGTH || DIGIT.test(token)) return token;
    stem = stemmers[language](token);
    cache.set(token, stem);
  }
  return stem;
}

export function stemTokens(tokens: readonly string[], language: Language): string[] {
  const stems = new Array<string>(tokens.length);
  for (let i = 0; i < tokens.length; i++) stems[i] = stemToken(tokens[i], language);
  return stems;
}

export type Language = 'en' | 'es';

export const LANGUAGES: readonly Language[] = ['en', 'es'];

export interface TextOptions {
  /** Language of the corpus: picks stopwords, stemmer and sentiment scorer. */
  language: Language;
  /** Keep negations (not, no, never, n't forms; no, ni, nunca... in Spanish) out of the stopword filter. */
  keepNegations: boolean;
  /** When false, `stems` repeats `tokensNoStop` (useful for languages or domains where stemming hurts). */
  stem: boolean;
  /** Guess en/es per document from function words; `language` is the fallback when unsure. */
  detectLanguage: boolean;
}

export const DEFAULT_TEXT_OPTIONS: TextOptions = Object.freeze({
  language: 'en',
  keepNegations: true,
  stem: true,
  detectLanguage: false,
});

export function resolveTextOptions(options: Partial<TextOptions> | undefined): TextOptions {
  if (options === undefined) return DEFAULT_TEXT_OPTIONS;
  // Every document of a batch passes the same complete options: no copy for those (read-only here).
  if (
    options.keepNegations !== undefined &&
    options.stem !== undefined &&
    options.detectLanguage !== undefined &&
    options.language !== undefined &&
    LANGUAGES.includes(options.language)
  ) {
    return options as TextOptions;
  }
  const resolved = { ...DEFAULT_TEXT_OPTIONS, ...options };
  if (!LANGUAGES.includes(resolved.language)) {
    throw new RangeError(`unsupported language ${JSON.stringify(resolved.language)}; expected one of ${LANGUAGES.join(', ')}`);
  }
  return resolved;
}

import { words as englishStopwords } from 'natural/lib/natural/util/stopwords';
import { words as spanishStopwords } from 'natural/lib/natural/util/stopwords_es';
import type { Language } from './options';

/**
 * Negation words as they look after cleaning: apostrophes inside words are dropped, so "don't"
 * and "don’t" both arrive as "dont".
 */
const NEGATIONS: Record<Language, readonly string[]> = {
  en: [
    'not',
    'no',
    'nor',
    'never',
    'neither',
    'none',
    'nobody',
    'nothing',
    'nowhere',
    'cannot',
    'without',
    'aint',
    'arent',
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
  ],
  es: ['no', 'ni', 'nunca', 'jamás', 'tampoco', 'nada', 'nadie', 'ninguno', 'ninguna', 'ningún', 'sin'],
};

const BASE_STOPWORDS: Record<Language, readonly string[]> = { en: englishStopwords, es: spanishStopwords };

export function negationWords(language: Language): ReadonlySet<string> {
  return negationSets[language];
}

const negationSets: Record<Language, ReadonlySet<string>> = {
  en: new Set(NEGATIONS.en),
  es: new Set(NEGATIONS.es),
};

/** Built once per (language, keepNegations): the filter runs on every token of every document. */
const stopwordSets = new Map<string, ReadonlySet<string>>();

export function stopwordSet(language: Language, keepNegations: boolean): ReadonlySet<string> {
  const id = `${language}:${keepNegations}`;
  let set = stopwordSets.get(id);
  if (!set) {
    const negations = negationSets[language];
    const words = new Set(BASE_STOPWORDS[language]);
    for (const word of negations) {
      if (keepNegations) words.delete(word);
      else words.add(word);
    }
    set = words;
    stopwordSets.set(id, set);
  }
  return set;
}

export function removeStopwords(tokens: readonly string[], stopwords: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (const token of tokens) if (!stopwords.has(token)) kept.push(token);
  return kept;
}

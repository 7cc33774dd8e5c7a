import { cleanTokens, composeText } from './clean';
import { detectLanguage } from './language';
import { LANGUAGES, type Language } from './options';

export interface CorpusLanguage {
  /** The language most documents were confidently detected in, or null when none was. */
  language: Language | null;
  /** Documents per detected language (only documents detected the same way whatever the fallback). */
  votes: Record<string, number>;
  /** Documents looked at. */
  documents: number;
}

/**
 * The language of a training set, decided by its documents: each document counts for the language
 * `detectLanguage` gives it whatever fallback it is asked to use (so a document that only falls
 * back does not vote), and the language with most votes wins, provided it is one the cleaner
 * supports. Only the first `maxDocuments` documents are cleaned: a few thousand settle a corpus.
 */
export function detectCorpusLanguage(documents: Iterable<{ title?: string | null; body: string }>, maxDocuments = 2000): CorpusLanguage {
  const votes: Record<string, number> = {};
  let seen = 0;
  const [first, second] = [LANGUAGES[0], LANGUAGES[LANGUAGES.length - 1]];
  for (const doc of documents) {
    if (seen >= maxDocuments) break;
    seen++;
    const tokens = cleanTokens(composeText(doc.title ?? undefined, doc.body));
    const a: string = detectLanguage(tokens, first);
    const b: string = detectLanguage(tokens, second);
    if (a === b) votes[a] = (votes[a] ?? 0) + 1;
  }
  let language: Language | null = null;
  for (const candidate of LANGUAGES) {
    if ((votes[candidate] ?? 0) > 0 && (language === null || votes[candidate] > votes[language])) language = candidate;
  }
  return { language, votes, documents: seen };
}

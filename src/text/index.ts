import { cleanTokensWithIds, composeText, TokenIds } from './clean';
import { detectLanguage } from './language';
import { resolveTextOptions, type Language, type TextOptions } from './options';
import { sentimentLabel, spanishCompound, vaderCompound, type Sentiment } from './sentiment';
import { stopwordSet } from './stopwords';
import type { TokenIdView } from './token-id-view';
import { stopwordBit, vocabulary } from './vocabulary';

export { DEFAULT_TEXT_OPTIONS, LANGUAGES, resolveTextOptions, type Language, type TextOptions } from './options';
export { cleanText, cleanTokens, composeText, tokenize } from './clean';
export { detectLanguage, identifyLanguage, DETECTED_LANGUAGES, type DetectedLanguage } from './language';
export { detectCorpusLanguage, type CorpusLanguage } from './corpus-language';
export { negationWords, stopwordSet } from './stopwords';
export { stemToken } from './stem';
export { sentimentLabel, spanishCompound, vaderCompound, type Sentiment, type SentimentLabel } from './sentiment';
export type { TokenIdView } from './token-id-view';

export interface TextInput {
  title?: string;
  body: string;
}

export interface CleanedText {
  text: string;
  textClean: string;
  tokens: string[];
  tokensNoStop: string[];
  stems: string[];
  sentiment: Sentiment;
  /** The language the document was processed as (differs from the option only with detectLanguage). */
  language: Language;
}

/** The token lists a classifier can be trained on. */
export type FeatureKind = 'stems' | 'tokensNoStop' | 'tokens';

/** The token list a model of feature kind `kind` reads from a cleaned document. */
export function cleanedFeatures(clean: CleanedText, kind: FeatureKind): string[] {
  return kind === 'stems' ? clean.stems : kind === 'tokensNoStop' ? clean.tokensNoStop : clean.tokens;
}

interface Tokenised {
  text: string;
  tokens: string[];
  language: Language;
}

// Vocabulary ids of the tokens, then of the kept tokens: scratch reused by every document.
const tokenIds = new TokenIds();
const keptIds = new TokenIds();

function tokenise(input: TextInput, options: TextOptions): Tokenised {
  const text = composeText(input.title, input.body);
  const tokens = cleanTokensWithIds(text, tokenIds);
  const language = options.detectLanguage ? detectLanguage(tokens, options.language) : options.language;
  return { text, tokens, language };
}

/** Tokens minus stopwords; their ids go to `keptIds`. Interned words answer from their flags. */
function withoutStopwords(tokens: string[], language: Language, options: TextOptions): string[] {
  const bit = stopwordBit(language, options.keepNegations);
  // Only words that were not interned (digits, > 30 units) need the set.
  let stopwords: ReadonlySet<string> | undefined;
  const ids = tokenIds.ids;
  keptIds.ensure(tokens.length);
  const keptIdArray = keptIds.ids;
  // Filled in scratch, then copied at its final size (see TokenIds.words).
  const kept = keptIds.words;
  let count = 0;
  for (let i = 0; i < tokens.length; i++) {
    const id = ids[i];
    if (id >= 0 ? vocabulary.isStopword(id, bit) : (stopwords ??= stopwordSet(language, options.keepNegations)).has(tokens[i])) continue;
    keptIdArray[count] = id;
    kept[count++] = tokens[i];
  }
  return kept.slice(0, count);
}

/** Stems of the kept tokens (ids in `keptIds`); a token that was not interned (digits, > 30 units) is its own stem. */
function stemsOf(tokensNoStop: string[], language: Language, options: TextOptions): string[] {
  if (!options.stem) return tokensNoStop;
  const ids = keptIds.ids;
  const known = vocabulary.stemsOf(language);
  const stems = new Array<string>(tokensNoStop.length);
  for (let i = 0; i < tokensNoStop.length; i++) {
    const id = ids[i];
    stems[i] = id < 0 ? tokensNoStop[i] : (known[id] ?? vocabulary.computeStem(id, language));
  }
  return stems;
}

/**
 * One document through the data dictionary's cleaning steps. VADER reads the raw text (it needs
 * capitals, punctuation and emoticons); the Spanish scorer reads the cleaned tokens.
 */
export function cleanDocument(input: TextInput, options?: Partial<TextOptions>): CleanedText {
  const resolved = resolveTextOptions(options);
  const { text, tokens, language } = tokenise(input, resolved);
  const textClean = tokenIds.joined(tokens);
  const tokensNoStop = withoutStopwords(tokens, language, resolved);
  const stems = stemsOf(tokensNoStop, language, resolved);
  const compound = language === 'en' ? vaderCompound(text) : spanishCompound(tokens);
  return { text, textClean, tokens, tokensNoStop, stems, sentiment: { compound, label: sentimentLabel(compound) }, language };
}

/**
 * The vocabulary ids of the tokens of the document `cleanDocument` (or `documentFeatures`) last
 * returned: read it right after, before anything else is cleaned (the ids live in scratch that the
 * next document overwrites). Accumulators count terms by these ids instead of hashing each token.
 */
export function lastTokenIds(): TokenIdView {
  return { ids: tokenIds.ids, epoch: vocabulary.epoch };
}

/**
 * Like lastTokenIds, for the tokens left after stopword removal: `ids[i]` is the vocabulary id of
 * the word `stems[i]` (and `tokensNoStop[i]`) came from, -1 for a word that was not interned.
 */
export function lastKeptIds(): TokenIdView {
  return { ids: keptIds.ids, epoch: vocabulary.epoch };
}

/**
 * Only the token list a model needs, skipping sentiment and unused lists: training and scoring go
 * through here, so both featurise a document exactly as `cleanDocument` would.
 */
export function documentFeatures(input: TextInput, kind: FeatureKind, options?: Partial<TextOptions>): string[] {
  const resolved = resolveTextOptions(options);
  const { tokens, language } = tokenise(input, resolved);
  if (kind === 'tokens') return tokens;
  const tokensNoStop = withoutStopwords(tokens, language, resolved);
  return kind === 'tokensNoStop' ? tokensNoStop : stemsOf(tokensNoStop, language, resolved);
}
export { redactPii, redactPiiWithCounts, redactDocumentPii } from './pii';

/**
 * Every token list a model can be trained on, from one cleaning pass (no sentiment): what a
 * hyperparameter search that compares feature kinds needs per document.
 */
export function documentFeatureLists(input: TextInput, options?: Partial<TextOptions>): Record<FeatureKind, string[]> {
  const resolved = resolveTextOptions(options);
  const { tokens, language } = tokenise(input, resolved);
  const tokensNoStop = withoutStopwords(tokens, language, resolved);
  return { tokens, tokensNoStop, stems: stemsOf(tokensNoStop, language, resolved) };
}

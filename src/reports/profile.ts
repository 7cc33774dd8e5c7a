import { addToHistogram, CUTS, emptyHistogram, mergeHistograms, type HistogramV1 } from '../drift/histogram';
import { detectLanguage } from '../text/language';
import type { CleaningTrace } from '../text/cleaning-trace';

/**
 * What the batch report shows beyond the drift statistics (src/drift/statistics.ts): text length
 * before cleaning, what each cleaning step removed, the top terms before and after stopword removal
 * and stemming, and languages. Counts only, so profiles of shards or batches merge by addition;
 * computed in the same pass as the batch statistics (one read of each shard).
 */
export const PROFILE_SCHEMA_VERSION = 1;
/** Terms kept per list in a profile. */
export const PROFILE_TOP_TERMS = 30;

export type CleaningStep = 'markup' | 'urls' | 'addresses' | 'punctuation';
export const CLEANING_STEPS: readonly CleaningStep[] = ['markup', 'urls', 'addresses', 'punctuation'];

export interface RemovalV1 {
  /** Characters removed (tokens for stopwords). */
  removed: number;
  /** Documents where the step removed something. */
  documents: number;
}

export interface BatchProfileV1 {
  schemaVersion: typeof PROFILE_SCHEMA_VERSION;
  /** Processed documents seen. */
  documents: number;
  /** Documents whose text before cleaning was available (the staged shard). */
  rawDocuments: number;
  rawChars: number;
  cleanChars: number;
  /** Characters before cleaning (title + body) and of text_clean, with the statistics' cuts. */
  rawLength: HistogramV1;
  cleanLength: HistogramV1;
  removed: Record<CleaningStep, RemovalV1>;
  stopwords: RemovalV1 & { tokensBefore: number };
  /** Distinct terms at each stage: tokens, without stopwords, stems. */
  distinct: { tokens: number; withoutStopwords: number; stems: number };
  /** [term, occurrences], most frequent first, at each stage. */
  top: { tokens: Array<[string, number]>; withoutStopwords: Array<[string, number]>; stems: Array<[string, number]> };
  /** Detected language -> documents. */
  languages: Record<string, number>;
}

export interface ProfileDocument {
  textClean: string;
  tokens: readonly string[];
  tokensNoStop: readonly string[];
  stems: readonly string[];
  /** The cleaning trace of the text before cleaning, when the staged row was read. */
  trace?: CleaningTrace;
}

function topTerms(counts: Map<string, number>, n: number): Array<[string, number]> {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, n);
}

function count(map: Map<string, number>, terms: readonly string[]): void {
  for (const t of terms) map.set(t, (map.get(t) ?? 0) + 1);
}

const zeroRemoval = (): RemovalV1 => ({ removed: 0, documents: 0 });

export class ProfileAccumulator {
  private documents = 0;
  private rawDocuments = 0;
  private rawChars = 0;
  private cleanChars = 0;
  private readonly rawLength = emptyHistogram(CUTS.textLength);
  private readonly cleanLength = emptyHistogram(CUTS.textLength);
  private readonly removed = { markup: zeroRemoval(), urls: zeroRemoval(), addresses: zeroRemoval(), punctuation: zeroRemoval() };
  private readonly stopwords = { ...zeroRemoval(), tokensBefore: 0 };
  private readonly tokens = new Map<string, number>();
  private readonly withoutStopwords = new Map<string, number>();
  private readonly stems = new Map<string, number>();
  private readonly languages: Record<string, number> = {};

  constructor(private readonly topN = PROFILE_TOP_TERMS) {}

  add(doc: ProfileDocument): void {
    this.documents++;
    this.cleanChars += doc.textClean.length;
    addToHistogram(this.cleanLength, doc.textClean.length);
    if (doc.trace) {
      const t = doc.trace;
      this.rawDocuments++;
      this.rawChars += t.rawChars;
      addToHistogram(this.rawLength, t.rawChars);
      for (const step of CLEANING_STEPS) {
        if (t[step] > 0) {
          this.removed[step].removed += t[step];
          this.removed[step].documents++;
        }
      }
    }
    const dropped = doc.tokens.length - doc.tokensNoStop.length;
    this.stopwords.tokensBefore += doc.tokens.length;
    if (dropped > 0) {
      this.stopwords.removed += dropped;
      this.stopwords.documents++;
    }
    count(this.tokens, doc.tokens);
    count(this.withoutStopwords, doc.tokensNoStop);
    count(this.stems, doc.stems);
    const language = doc.tokens.length === 0 ? 'none' : detectLanguage(doc.tokens, 'en');
    this.languages[language] = (this.languages[language] ?? 0) + 1;
  }

  toProfile(): BatchProfileV1 {
    const clone = (h: HistogramV1) => ({ cuts: [...h.cuts], counts: [...h.counts] });
    return {
      schemaVersion: PROFILE_SCHEMA_VERSION,
      documents: this.documents,
      rawDocuments: this.rawDocuments,
      rawChars: this.rawChars,
      cleanChars: this.cleanChars,
      rawLength: clone(this.rawLength),
      cleanLength: clone(this.cleanLength),
      removed: {
        markup: { ...this.removed.markup },
        urls: { ...this.removed.urls },
        addresses: { ...this.removed.addresses },
        punctuation: { ...this.removed.punctuation },
      },
      stopwords: { ...this.stopwords },
      distinct: { tokens: this.tokens.size, withoutStopwords: this.withoutStopwords.size, stems: this.stems.size },
      top: {
        tokens: topTerms(this.tokens, this.topN),
        withoutStopwords: topTerms(this.withoutStopwords, this.topN),
        stems: topTerms(this.stems, this.topN),
      },
      languages: { ...this.languages },
    };
  }
}

function mergeTop(a: Array<[string, number]>, b: Array<[string, number]>, n: number): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const [t, c] of [...a, ...b]) m.set(t, (m.get(t) ?? 0) + c);
  return topTerms(m, n);
}

/**
 * The profile of two datasets together. Exact for counts and histograms; the top lists are exact
 * while neither part truncated a term that the union would rank; distinct counts are an upper
 * bound (terms shared by both parts count twice), like the statistics' vocabulary after a merge.
 */
export function mergeProfiles(a: BatchProfileV1, b: BatchProfileV1, topN = PROFILE_TOP_TERMS): BatchProfileV1 {
  const add = (x: RemovalV1, y: RemovalV1): RemovalV1 => ({ removed: x.removed + y.removed, documents: x.documents + y.documents });
  const languages = { ...a.languages };
  for (const [k, v] of Object.entries(b.languages)) languages[k] = (languages[k] ?? 0) + v;
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    documents: a.documents + b.documents,
    rawDocuments: a.rawDocuments + b.rawDocuments,
    rawChars: a.rawChars + b.rawChars,
    cleanChars: a.cleanChars + b.cleanChars,
    rawLength: mergeHistograms(a.rawLength, b.rawLength),
    cleanLength: mergeHistograms(a.cleanLength, b.cleanLength),
    removed: {
      markup: add(a.removed.markup, b.removed.markup),
      urls: add(a.removed.urls, b.removed.urls),
      addresses: add(a.removed.addresses, b.removed.addresses),
      punctuation: add(a.removed.punctuation, b.removed.punctuation),
    },
    stopwords: { ...add(a.stopwords, b.stopwords), tokensBefore: a.stopwords.tokensBefore + b.stopwords.tokensBefore },
    distinct: {
      tokens: a.distinct.tokens + b.distinct.tokens,
      withoutStopwords: a.distinct.withoutStopwords + b.distinct.withoutStopwords,
      stems: a.distinct.stems + b.distinct.stems,
    },
    top: {
      tokens: mergeTop(a.top.tokens, b.top.tokens, topN),
      withoutStopwords: mergeTop(a.top.withoutStopwords, b.top.withoutStopwords, topN),
      stems: mergeTop(a.top.stems, b.top.stems, topN),
    },
    languages,
  };
}

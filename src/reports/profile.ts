import { addToHistogram, CUTS, emptyHistogram, mergeHistograms, type HistogramV1 } from '../drift/histogram';
import { IdTermCounts } from '../drift/id-term-counts';
import { identifyLanguage, type DetectedLanguage } from '../text/language';
import type { TokenIdView } from '../text/token-id-view';
import type { CleaningTrace } from '../text/cleaning-trace';
import { ensureCapacity } from '../util/growable';

/** Terms at each stage of a batch, for the report: tokens (from the statistics' vocabulary), without stopwords, stems. */
export interface TermStages {
  distinct: { tokens: number; withoutStopwords: number; stems: number };
  top: { tokens: Array<[string, number]>; withoutStopwords: Array<[string, number]>; stems: Array<[string, number]> };
}

/**
 * The top terms before and after stopword removal come from the statistics' vocabulary
 * ([term, documents, occurrences], every token counted once, in the same pass) minus the stopword
 * terms the profile saw removed; stems from the profile.
 */
export function termStages(
  vocabulary: { top: Array<[string, number, number]>; distinctTerms: number },
  profile: BatchProfileV1,
  n = PROFILE_TOP_TERMS,
): TermStages {
  const byOccurrences = vocabulary.top
    .map(([term, , tf]) => [term, tf] as [string, number])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const stop = new Set(profile.stopwordTerms);
  return {
    distinct: { tokens: vocabulary.distinctTerms, withoutStopwords: vocabulary.distinctTerms - stop.size, stems: profile.distinct.stems },
    top: {
      tokens: byOccurrences.slice(0, n),
      withoutStopwords: byOccurrences.filter(([t]) => !stop.has(t)).slice(0, n),
      stems: profile.top.stems.slice(0, n),
    },
  };
}

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
  /**
   * What each cleaning step removed, on the `traced` documents (every document up to
   * TRACE_ALL_UP_TO, then one in TRACE_EVERY: tracing re-runs the cleaning patterns) whose text
   * before cleaning had `tracedRawChars` characters.
   */
  removed: Record<CleaningStep, RemovalV1>;
  traced: number;
  tracedRawChars: number;
  stopwords: RemovalV1 & { tokensBefore: number };
  /**
   * The distinct terms stopword removal took out. With the statistics' vocabulary (every token's
   * occurrences) they give the top terms and distinct counts before and after stopword removal,
   * so the profile does not count the tokens a second time.
   */
  stopwordTerms: string[];
  /** Distinct stems, and [stem, occurrences], most frequent first. */
  distinct: { stems: number };
  top: { stems: Array<[string, number]> };
  /** Detected language -> documents. */
  languages: Record<string, number>;
}

/** Stem occurrences as columns, in no particular order: `stems[i]` occurred `counts[i]` times. */
export interface StemColumnsV1 {
  stems: string[];
  counts: number[];
}

export interface ProfileDocument {
  textClean: string;
  tokens: readonly string[];
  tokensNoStop: readonly string[];
  stems: readonly string[];
  /**
   * The vocabulary ids of the tokens the stems came from (`ids[i]` for `stems[i]`), when the
   * caller just cleaned the document (`lastKeptIds()` of src/text): stems are then counted by id.
   */
  stemIds?: TokenIdView;
  /** The language the document was processed as (it chose the stemmer); needed with `stemIds`. */
  processedAs?: string;
  /** Characters of the text before cleaning, when the staged row was read. */
  rawChars?: number;
  /** The cleaning trace of that text, for the documents traced (see shouldTrace). */
  trace?: CleaningTrace;
  /** `identifyLanguage(tokens)`, when the caller already computed it. */
  language?: DetectedLanguage;
}

/** Every document is traced up to this many per batch, then one in TRACE_EVERY. */
export const TRACE_ALL_UP_TO = 10_000;
export const TRACE_EVERY = 10;

/** Whether the n-th document (0-based) of a batch gets its cleaning traced. */
export function shouldTrace(n: number): boolean {
  return n < TRACE_ALL_UP_TO || n % TRACE_EVERY === 0;
}

/**
 * The same rule for a shard processed on its own: its n-th row (0-based) is taken to be the batch's
 * document `shard × shardRows + n` (the shards before it assumed the same size, which holds for
 * every shard but a file's last). So the first TRACE_ALL_UP_TO documents of a batch are traced, then
 * one in TRACE_EVERY of each shard: a bound of about TRACE_ALL_UP_TO + documents / TRACE_EVERY.
 */
export function shouldTraceInShard(shard: number, shardRows: number, n: number): boolean {
  return shard * shardRows + n < TRACE_ALL_UP_TO || n % TRACE_EVERY === 0;
}

/**
 * Stems kept per shard (and range) profile: every stem of a shard in practice, so that merging
 * many of them gives the batch's top stems and distinct count exactly (see mergeManyProfiles);
 * the batch's profile keeps PROFILE_TOP_TERMS.
 */
export const PART_PROFILE_STEMS = 20_000;

function topTerms(counts: Map<string, number>, n: number): Array<[string, number]> {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, n);
}

/** Occurrences by term: one hash lookup per occurrence (a Map of counts costs a get and a set). */
class TermCounts {
  private readonly slots = new Map<string, number>();
  private counts = new Float64Array(1024);

  get size(): number {
    return this.slots.size;
  }

  addAll(terms: readonly string[]): void {
    for (let i = 0; i < terms.length; i++) this.add(terms[i], 1);
  }

  add(term: string, occurrences: number): void {
    let slot = this.slots.get(term);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(term, slot);
      if (slot === this.counts.length) this.counts = ensureCapacity(this.counts, slot);
    }
    this.counts[slot] += occurrences;
  }

  toMap(): Map<string, number> {
    const map = new Map<string, number>();
    for (const [term, slot] of this.slots) map.set(term, this.counts[slot]);
    return map;
  }

  columns(): StemColumnsV1 {
    const columns: StemColumnsV1 = { stems: [], counts: [] };
    for (const [term, slot] of this.slots) {
      columns.stems.push(term);
      columns.counts.push(this.counts[slot]);
    }
    return columns;
  }
}

/**
 * Stem occurrences: by the id of the word each stem came from when the cleaner gave ids (a
 * typed-array increment instead of a hash lookup per stem), folded into the counts by stem when
 * the vocabulary starts over and at the end. An id names one stem only under one stemmer, so ids
 * are used for the first language seen and other documents are counted by string.
 */
class StemCounts {
  private readonly byStem = new TermCounts();
  private readonly byId = new IdTermCounts();
  private idLanguage: string | undefined;
  private documents = 0;

  add(stems: readonly string[], ids: TokenIdView | undefined, language: string | undefined): void {
    this.documents++;
    if (ids === undefined || language === undefined || (this.idLanguage !== undefined && language !== this.idLanguage)) {
      this.byStem.addAll(stems);
      return;
    }
    this.idLanguage = language;
    if (ids.epoch !== this.byId.epoch) this.fold(ids.epoch);
    this.byId.addDocument(stems, ids.ids, this.documents);
    // Words the vocabulary does not intern (digits, very long words) are their own stems.
    for (let i = 0; i < stems.length; i++) if (ids.ids[i] < 0) this.byStem.add(stems[i], 1);
  }

  private fold(nextEpoch: number): void {
    this.byId.drain((stem, _documents, occurrences) => this.byStem.add(stem, occurrences), nextEpoch);
  }

  get size(): number {
    this.fold(this.byId.epoch);
    return this.byStem.size;
  }

  toMap(): Map<string, number> {
    this.fold(this.byId.epoch);
    return this.byStem.toMap();
  }

  columns(): StemColumnsV1 {
    this.fold(this.byId.epoch);
    return this.byStem.columns();
  }
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
  private traced = 0;
  private tracedRawChars = 0;
  private readonly stopwords = { ...zeroRemoval(), tokensBefore: 0 };
  private readonly stopwordTerms = new Set<string>();
  private readonly stems = new StemCounts();
  private readonly languages: Record<string, number> = {};

  constructor(private readonly topN = PROFILE_TOP_TERMS) {}

  add(doc: ProfileDocument): void {
    this.documents++;
    this.cleanChars += doc.textClean.length;
    addToHistogram(this.cleanLength, doc.textClean.length);
    if (doc.rawChars !== undefined) {
      this.rawDocuments++;
      this.rawChars += doc.rawChars;
      addToHistogram(this.rawLength, doc.rawChars);
    }
    if (doc.trace) {
      const t = doc.trace;
      this.traced++;
      this.tracedRawChars += t.rawChars;
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
      // tokens_nostop is tokens with the stopwords taken out, in order, and a term is a stopword
      // everywhere or nowhere: the tokens it skips are exactly the stopwords.
      const kept = doc.tokensNoStop;
      let j = 0;
      for (const token of doc.tokens) {
        if (j < kept.length && kept[j] === token) j++;
        else this.stopwordTerms.add(token);
      }
    }
    this.stems.add(doc.stems, doc.stemIds, doc.processedAs);
    // other (or unknown for too little text), never English by default: src/text/language.ts.
    const language = doc.tokens.length === 0 ? 'none' : (doc.language ?? identifyLanguage(doc.tokens));
    this.languages[language] = (this.languages[language] ?? 0) + 1;
  }

  toProfile(): BatchProfileV1 {
    return this.document(topTerms(this.stems.toMap(), this.topN));
  }

  /**
   * The profile with its stems as unordered columns beside it, `top.stems` left empty: what a shard
   * summary stores. Ranking is left to the merge that reads them; a part with more stems than it
   * keeps (topN) keeps its most frequent, as toProfile does.
   */
  toProfileAndStems(): { profile: BatchProfileV1; stems: StemColumnsV1 } {
    if (this.stems.size <= this.topN) return { profile: this.document([]), stems: this.stems.columns() };
    const top = topTerms(this.stems.toMap(), this.topN);
    return { profile: this.document([]), stems: { stems: top.map(([stem]) => stem), counts: top.map(([, n]) => n) } };
  }

  private document(topStems: Array<[string, number]>): BatchProfileV1 {
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
      traced: this.traced,
      tracedRawChars: this.tracedRawChars,
      stopwords: { ...this.stopwords },
      stopwordTerms: [...this.stopwordTerms].sort(),
      distinct: { stems: this.stems.size },
      top: { stems: topStems },
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
 * The profile of two datasets together. Exact for counts, histograms and stopword terms; the top
 * stems are exact while neither part truncated a stem the union would rank; the distinct stem
 * count is an upper bound (stems shared by both parts count twice).
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
    traced: a.traced + b.traced,
    tracedRawChars: a.tracedRawChars + b.tracedRawChars,
    stopwords: { ...add(a.stopwords, b.stopwords), tokensBefore: a.stopwords.tokensBefore + b.stopwords.tokensBefore },
    stopwordTerms: [...new Set([...a.stopwordTerms, ...b.stopwordTerms])].sort(),
    distinct: { stems: a.distinct.stems + b.distinct.stems },
    top: { stems: mergeTop(a.top.stems, b.top.stems, topN) },
    languages,
  };
}

/**
 * The profile of many parts (shards, then ranges) at once: mergeProfiles folded over them, but
 * stems are summed in one map. The distinct stem count is exact when every part listed all its
 * stems (top.stems as long as distinct.stems), otherwise a lower bound; the top stems are exact
 * while no part truncated a stem the union ranks.
 */
export function mergeManyProfiles(parts: readonly BatchProfileV1[], topN = PROFILE_TOP_TERMS): BatchProfileV1 | null {
  const merger = new ProfileMerger();
  for (const part of parts) merger.add(part);
  return merger.result(topN);
}

/** `mergeManyProfiles` one part at a time, so that a part can be dropped once added. */
export class ProfileMerger {
  private readonly stems = new Map<string, number>();
  private complete = true;
  private lowerBound = 0;
  private merged: BatchProfileV1 | null = null;

  /** `stems`: the part's stems as columns, when they were stored apart (its top.stems is then empty). */
  add(part: BatchProfileV1, stems?: StemColumnsV1): void {
    if (stems) for (let i = 0; i < stems.stems.length; i++) this.count(stems.stems[i], stems.counts[i]);
    else for (const [stem, n] of part.top.stems) this.count(stem, n);
    this.complete &&= (stems ? stems.stems.length : part.top.stems.length) === part.distinct.stems;
    this.lowerBound = Math.max(this.lowerBound, part.distinct.stems);
    const light: BatchProfileV1 = { ...part, distinct: { stems: 0 }, top: { stems: [] } };
    this.merged = this.merged === null ? light : mergeProfiles(this.merged, light, 0);
  }

  private count(stem: string, occurrences: number): void {
    this.stems.set(stem, (this.stems.get(stem) ?? 0) + occurrences);
  }

  result(topN = PROFILE_TOP_TERMS): BatchProfileV1 | null {
    if (this.merged === null) return null;
    return {
      ...this.merged,
      distinct: { stems: this.complete ? this.stems.size : Math.max(this.lowerBound, this.stems.size) },
      top: { stems: topTerms(this.stems, topN) },
    };
  }
}

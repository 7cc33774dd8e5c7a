import { mergeStatistics, type DatasetStatisticsV1, type TermColumnsV1, type VocabularyV1 } from '../drift';

function byFrequency(a: [string, number, number], b: [string, number, number]): number {
  return b[1] - a[1] || b[2] - a[2] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

function emptyVocabulary(v: VocabularyV1): VocabularyV1 {
  return { ...v, top: [], distinctTerms: 0, exact: true, coveredTokens: 0 };
}

/**
 * The statistics of many parts (shards, then ranges), added one at a time: the same result as
 * folding `mergeStatistics` over them, but the vocabularies are summed in one map and sorted once
 * instead of once per part (hundreds of 20,000-term sorts otherwise), and a part can be dropped as
 * soon as it was added (memory: the distinct terms, not every part's vocabulary).
 */
export class StatisticsMerger {
  private merged: DatasetStatisticsV1 | null = null;
  private readonly terms = new Map<string, [string, number, number]>();
  private lossless = true;
  private distinctLowerBound = 0;
  private tokens = 0;

  /** `terms`: the part's vocabulary as columns, when they were stored apart (its `top` is then empty). */
  add(part: DatasetStatisticsV1, terms?: TermColumnsV1): void {
    const v = part.vocabulary;
    if (terms) for (let i = 0; i < terms.terms.length; i++) this.count(terms.terms[i], terms.df[i], terms.tf[i]);
    else for (const [term, df, tf] of v.top) this.count(term, df, tf);
    this.lossless &&= v.exact && (terms ? terms.terms.length : v.top.length) === v.distinctTerms;
    this.distinctLowerBound = Math.max(this.distinctLowerBound, v.distinctTerms);
    this.tokens += v.tokens;
    const light = { ...part, vocabulary: emptyVocabulary(v) };
    // The vocabulary limit only bounds `top`, which is rebuilt from `terms` in result().
    this.merged = this.merged === null ? light : mergeStatistics(this.merged, light, 0);
  }

  private count(term: string, df: number, tf: number): void {
    const entry = this.terms.get(term);
    if (entry) {
      entry[1] += df;
      entry[2] += tf;
    } else this.terms.set(term, [term, df, tf]);
  }

  /** The merged statistics (null when no part was added), their vocabulary cut to `vocabularyLimit` terms. */
  result(vocabularyLimit: number): DatasetStatisticsV1 | null {
    if (this.merged === null) return null;
    const result = { ...this.merged };
    const top = [...this.terms.values()].sort(byFrequency).slice(0, vocabularyLimit);
    result.vocabulary = {
      documents: result.documents,
      tokens: this.tokens,
      distinctTerms: this.lossless ? this.terms.size : Math.max(this.distinctLowerBound, this.terms.size),
      exact: this.lossless,
      limit: vocabularyLimit,
      top: top.map((t) => [t[0], t[1], t[2]]),
      coveredTokens: top.reduce((s, t) => s + t[2], 0),
    };
    return result;
  }
}

/** `StatisticsMerger` over a list. */
export function mergeManyStatistics(parts: readonly DatasetStatisticsV1[], vocabularyLimit: number): DatasetStatisticsV1 | null {
  const merger = new StatisticsMerger();
  for (const part of parts) merger.add(part);
  return merger.result(vocabularyLimit);
}

/**
 * Documents that repeat a document of another part, from each part's distinct fingerprints: the
 * parts' own duplicates are already in their statistics.
 */
export function crossPartDuplicates(parts: readonly Float64Array[]): number {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  all.sort();
  let repeats = 0;
  for (let i = 1; i < all.length; i++) if (all[i] === all[i - 1]) repeats++;
  return repeats;
}

/** The sorted distinct union of parts' fingerprints (a range's, for the batch-level count). */
export function unionFingerprints(parts: readonly Float64Array[]): Float64Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i];
  return all.slice(0, n);
}

import { fingerprint, StatisticsAccumulator, type BaselineV1, type DatasetStatisticsV1, type TermColumnsV1 } from '../drift';
import type { ObjectStore } from '../storage/object-store';
import type { DetectedLanguage } from '../text/language';
import type { TokenIdView } from '../text/token-id-view';

/** Terms kept in a shard's (and a batch's) statistics; OOV counts are exact regardless. */
export const SHARD_VOCABULARY_LIMIT = 20_000;

export interface ShardDocument {
  label: string | null;
  textClean: string;
  tokens: readonly string[];
  compound: number;
  language: DetectedLanguage;
  /** The tokens' vocabulary ids, read right after cleaning (src/text lastTokenIds). */
  tokenIds?: TokenIdView;
}

/**
 * A shard's drift statistics, accumulated while the shard is cleaned and scored (no second pass
 * over processed and result parts), plus the distinct fingerprints of its non-empty documents so
 * that duplicates across shards can be counted when shards are merged.
 */
export class ShardStatistics {
  private readonly accumulator: StatisticsAccumulator;
  private readonly fingerprints = new Set<number>();

  constructor(vocabulary?: { key: string; terms: ReadonlySet<string> }) {
    this.accumulator = new StatisticsAccumulator({ vocabularyLimit: SHARD_VOCABULARY_LIMIT, oovVocabulary: vocabulary });
  }

  addDocument(doc: ShardDocument): void {
    const print = doc.tokens.length > 0 ? fingerprint(doc.textClean) : undefined;
    this.accumulator.addDocument({
      label: doc.label,
      textClean: doc.textClean,
      tokens: doc.tokens,
      sentiment: doc.compound,
      fingerprint: print,
      language: doc.language,
      tokenIds: doc.tokenIds,
    });
    // The accumulator keys duplicates by length and fingerprint; across shards the fingerprint alone
    // is used (a 53-bit hash: collisions stay rare at millions of documents).
    if (print !== undefined) this.fingerprints.add(print);
  }

  addPrediction(label: string | null, predictedLabel: string, probabilities: Readonly<Record<string, number>>): void {
    this.accumulator.addPrediction({ label, predictedLabel, probabilities });
  }

  toStatistics(): DatasetStatisticsV1 {
    return this.accumulator.toStatistics();
  }

  /** The statistics with their terms as unordered columns, as a shard summary stores them. */
  toStatisticsAndTerms(): { statistics: DatasetStatisticsV1; terms: TermColumnsV1 } {
    return this.accumulator.toStatisticsAndTerms();
  }

  distinctFingerprints(): Float64Array {
    return Float64Array.from(this.fingerprints);
  }
}

/** Baseline vocabularies by key: immutable once written, so a few are cached per thread. */
export class VocabularyLoader {
  private readonly entries = new Map<string, Promise<Set<string>>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly capacity = 2,
  ) {}

  load(key: string): Promise<Set<string>> {
    const cached = this.entries.get(key);
    if (cached) return cached;
    const loading = this.store.get(key).then((bytes) => {
      const baseline = JSON.parse(bytes.toString('utf8')) as BaselineV1;
      return new Set(baseline.training.statistics.vocabulary.top.map(([term]) => term));
    });
    loading.catch(() => this.entries.delete(key));
    this.entries.set(key, loading);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return loading;
  }
}

import { DocumentCounts } from './document-counts';
import { ensureCapacity } from '../../util/growable';
import { NgramNodes, NO_NODE } from './ngram-nodes';
import { documentCountBounds, type VectorizerOptions } from './options';

/** The outcome of the first pass: the selected n-grams in feature order, with their statistics. */
export interface Selection {
  /** The first pass's n-gram table; `features[j]` is the node of feature j. */
  nodes: NgramNodes;
  features: Int32Array;
  documentFrequency: number[];
  documents: number;
  /** Distinct n-grams held (after any pruning) before the df / maxFeatures selection. */
  candidateTerms: number;
  /** 0 when every count is exact; else n-grams seen in at most this many documents may be missing. */
  prunedDfThreshold: number;
}

/**
 * The first training pass: document and corpus frequencies of every n-gram in [1, maxN], in
 * memory bounded by `maxCandidateTerms` (see VectorizerOptions). Every shorter n-gram is counted
 * too, even below minN, because pruning relies on an n-gram never being rarer than its parts.
 */
export class TermStatistics {
  private nodes: NgramNodes;
  /** Per node: corpus frequency, document frequency, last document counted (one cache line). */
  private stats = new Float64Array(0);
  private documents = 0;
  private prunedDfThreshold = 0;
  private readonly recent: Int32Array;
  /** The pass's n-gram occurrences per document while they fit their bound (see DocumentCounts). */
  readonly documentCounts: DocumentCounts;

  /**
   * `documentCountsLimit`: most n-gram occurrences kept in documentCounts (0: none). By default
   * twice as many as candidate n-grams: 8 bytes per candidate, a fraction of what one costs.
   */
  constructor(
    private readonly options: VectorizerOptions,
    documentCountsLimit = 2 * options.maxCandidateTerms,
  ) {
    this.nodes = new NgramNodes(1 << 16);
    // recent[n - 1]: node of the n-gram ending at the previous token.
    this.recent = new Int32Array(options.ngramRange[1]);
    this.documentCounts = new DocumentCounts(documentCountsLimit);
  }

  get documentCount(): number {
    return this.documents;
  }

  /** `label`: the caller's id for the document's class, kept in documentCounts. */
  addDocument(tokens: readonly string[], label = 0): void {
    const document = this.documents++;
    const [minN, maxN] = this.options.ngramRange;
    const nodes = this.nodes;
    const recent = this.recent;
    const kept = this.documentCounts;
    recent.fill(NO_NODE);
    for (let i = 0; i < tokens.length; i++) {
      const word = nodes.internWord(tokens[i]);
      this.count(word, document);
      // Longest first, so recent[n - 2] still holds the previous token's (n-1)-gram.
      for (let n = maxN; n >= 2; n--) {
        const prefix = recent[n - 2];
        if (prefix === NO_NODE) continue;
        const node = nodes.internExtension(prefix, word);
        this.count(node, document);
        if (n >= minN) kept.add(node);
        recent[n - 1] = node;
      }
      // The word after its n-grams: the order in which FittedVectorizer.countInto meets them.
      if (minN === 1) kept.add(word);
      recent[0] = word;
    }
    kept.endDocument(label);
    if (nodes.size > this.options.maxCandidateTerms) this.prune();
  }

  /**
   * Applies minDf / maxDf / maxFeatures like sklearn's `_limit_features`. Features keep first-seen
   * order (sklearn sorts them by name; the order changes no score).
   */
  select(): Selection {
    const [minN, maxN] = this.options.ngramRange;
    const bounds = documentCountBounds(this.options, this.documents);
    const stats = this.stats;
    let chosen: number[] = [];
    for (let node = 0; node < this.nodes.size; node++) {
      const order = this.nodes.order(node);
      const df = stats[node * 3 + 1];
      if (order >= minN && order <= maxN && df >= bounds.min && df <= bounds.max) chosen.push(node);
    }
    const limit = this.options.maxFeatures;
    if (limit !== null && chosen.length > limit) {
      // sklearn keeps the highest corpus counts and breaks ties arbitrarily; we keep the first seen.
      chosen.sort((a, b) => stats[b * 3] - stats[a * 3] || a - b);
      chosen = chosen.slice(0, limit).sort((a, b) => a - b);
    }
    return {
      nodes: this.nodes,
      features: Int32Array.from(chosen),
      documentFrequency: chosen.map((node) => stats[node * 3 + 1]),
      documents: this.documents,
      candidateTerms: this.nodes.size,
      prunedDfThreshold: this.prunedDfThreshold,
    };
  }

  private count(node: number, document: number): void {
    const at = node * 3;
    if (at + 2 >= this.stats.length) this.stats = ensureCapacity(this.stats, at + 2);
    const stats = this.stats;
    stats[at]++;
    // Documents are numbered from 0 and a fresh slot holds 0, so store document + 1.
    if (stats[at + 2] !== document + 1) {
      stats[at + 2] = document + 1;
      stats[at + 1]++;
    }
  }

  /**
   * Drops every n-gram whose df is at most the smallest threshold that halves the table. An
   * n-gram's prefix and last word are at least as frequent as it is, so survivors keep their parts.
   */
  private prune(): void {
    const size = this.nodes.size;
    const target = Math.floor(this.options.maxCandidateTerms / 2);
    const stats = this.stats;
    const histogram = new Float64Array(this.documents + 2);
    for (let node = 0; node < size; node++) histogram[stats[node * 3 + 1]]++;
    let threshold = 0;
    let remaining = size - histogram[0];
    while (remaining > target) remaining -= histogram[++threshold];
    this.prunedDfThreshold = Math.max(this.prunedDfThreshold, threshold);
    // Earlier documents' counts would name renumbered or dropped nodes, and an n-gram dropped now
    // can come back later and be selected: only a second look at the documents counts it exactly.
    this.documentCounts.abandon();

    const renumbered = this.nodes.retain((node) => stats[node * 3 + 1] > threshold);
    for (let node = 0; node < size; node++) {
      const fresh = renumbered[node];
      if (fresh === NO_NODE) continue;
      stats[fresh * 3] = stats[node * 3];
      stats[fresh * 3 + 1] = stats[node * 3 + 1];
      stats[fresh * 3 + 2] = 0;
    }
    // Slots past the survivors are reused by the next new n-grams and must start from zero.
    stats.fill(0, this.nodes.size * 3, size * 3);
  }
}

/** Per first-pass node: its feature index in `selection`, or -1. */
export function featureIndexOf(selection: Selection): Int32Array {
  const featureOf = new Int32Array(selection.nodes.size).fill(-1);
  selection.features.forEach((node, feature) => (featureOf[node] = feature));
  return featureOf;
}

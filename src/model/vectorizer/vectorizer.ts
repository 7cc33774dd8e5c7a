import { NgramNodes, NO_NODE } from './ngram-nodes';
import { validateVectorizerOptions, type VectorizerOptions } from './options';
import { PairFilter } from './pair-filter';
import { SparseRow, tally } from './sparse-row';
import type { Selection } from './term-statistics';

interface FittedState {
  nodes: NgramNodes;
  /** Node of each feature. */
  features: Int32Array;
  documentFrequency: readonly number[];
  documents: number;
}

/**
 * A fitted CountVectorizer / TfidfVectorizer over token lists, with scikit-learn's formulas:
 * idf = ln((1 + N) / (1 + df)) + 1 (smooth) or ln(N / df) + 1; tf = count, 1 if binary,
 * 1 + ln(count) if sublinear; value = tf * idf; then the row is scaled to unit l1 / l2 norm.
 */
export class FittedVectorizer {
  readonly options: VectorizerOptions;
  readonly documentFrequency: readonly number[];
  readonly documents: number;
  readonly idf: Float64Array | null;
  private readonly nodes: NgramNodes;
  private readonly features: Int32Array;
  private readonly counts: Float64Array;
  private readonly recent: Int32Array;
  /** Which (prefix, word) pairs the table holds, probably: checked before each n-gram lookup. */
  private readonly extensions: PairFilter;
  private termList: string[] | undefined;

  private constructor(options: VectorizerOptions, state: FittedState) {
    this.options = options;
    this.nodes = state.nodes;
    this.features = state.features;
    this.documentFrequency = state.documentFrequency;
    this.documents = state.documents;
    this.idf = options.useIdf ? idfWeights(state.documentFrequency, state.documents, options.smoothIdf) : null;
    // Each feature's index is stored as the tag of its table entry (-1: the word or n-gram only
    // starts longer features), read in the same cache line as the lookup itself.
    state.features.forEach((node, feature) => {
      if (state.nodes.order(node) === 1) state.nodes.tagWord(node, feature);
      else state.nodes.tagExtension(node, feature);
    });
    this.counts = new Float64Array(state.features.length);
    this.recent = new Int32Array(options.ngramRange[1]);
    // The table is complete here: a fitted vectorizer only looks n-grams up.
    let extensions = 0;
    state.nodes.forEachExtension(() => extensions++);
    this.extensions = new PairFilter(extensions);
    state.nodes.forEachExtension((prefix, last) => this.extensions.add(prefix, last));
  }

  /** From the first training pass: copies the selected n-grams (and their prefixes) into a compact table. */
  static fromSelection(options: VectorizerOptions, selection: Selection): FittedVectorizer {
    validateVectorizerOptions(options);
    const source = selection.nodes;
    // Sized by growth: an oversized table spreads lookups over more cache lines.
    const nodes = new NgramNodes();
    const copied = new Int32Array(source.size).fill(NO_NODE);
    const copy = (node: number): number => {
      if (copied[node] === NO_NODE) {
        copied[node] =
          source.order(node) === 1
            ? nodes.internOwnedWord(source.word(node))
            : nodes.internExtension(copy(source.prefixOf(node)), copy(source.lastOf(node)));
      }
      return copied[node];
    };
    const features = selection.features.map(copy);
    return new FittedVectorizer(options, {
      nodes,
      features,
      documentFrequency: selection.documentFrequency,
      documents: selection.documents,
    });
  }

  /** From stored terms (n-grams joined by single spaces), e.g. preprocessor.json. */
  static fromTerms(
    options: VectorizerOptions,
    terms: readonly string[],
    documentFrequency: readonly number[],
    documents: number,
  ): FittedVectorizer {
    validateVectorizerOptions(options);
    if (documentFrequency.length !== terms.length) {
      throw new RangeError(`${terms.length} terms but ${documentFrequency.length} document frequencies`);
    }
    const [minN, maxN] = options.ngramRange;
    const nodes = new NgramNodes();
    const features = new Int32Array(terms.length);
    const seen = new Set<number>();
    terms.forEach((term, feature) => {
      const words = term.split(' ');
      if (words.length < minN || words.length > maxN || words.some((w) => w === '')) {
        throw new RangeError(`term ${JSON.stringify(term)} does not fit ngramRange [${minN}, ${maxN}]`);
      }
      const node = nodes.internTerm(words);
      if (seen.has(node)) throw new RangeError(`duplicate term ${JSON.stringify(term)}`);
      seen.add(node);
      features[feature] = node;
    });
    return new FittedVectorizer(options, { nodes, features, documentFrequency, documents });
  }

  get featureCount(): number {
    return this.features.length;
  }

  /** Feature names, n-grams joined by single spaces (sklearn's get_feature_names_out). */
  get terms(): readonly string[] {
    this.termList ??= Array.from(this.features, (node) => this.nodes.term(node));
    return this.termList;
  }

  /** Writes the document's weighted features into `row` (overwriting it). */
  transformInto(tokens: readonly string[], row: SparseRow): SparseRow {
    this.countInto(tokens, row);
    this.weigh(row, this.idf, 1);
    return row;
  }

  /** A fresh row for one document; `transformInto` with a reused row is the fast path. */
  transform(tokens: readonly string[]): SparseRow {
    return this.transformInto(tokens, new SparseRow());
  }

  /** Writes the document's raw n-gram counts into `row`, before binary / tf / idf / norm. */
  countInto(tokens: readonly string[], row: SparseRow): SparseRow {
    const [minN, maxN] = this.options.ngramRange;
    row.ensure(Math.min(this.features.length, tokens.length * maxN));
    const nnz = maxN <= 2 ? this.countUpToBigrams(tokens, row.indices, minN, maxN) : this.countNgrams(tokens, row.indices, minN, maxN);
    return row.takeCounts(this.counts, nnz);
  }

  /**
   * countInto for words and bigrams, the usual configurations: the previous word in a local
   * instead of the n-gram window (about a third faster). Features are listed in the same order as
   * countNgrams lists them: each token's bigram, then the token.
   */
  private countUpToBigrams(tokens: readonly string[], indices: Int32Array, minN: number, maxN: number): number {
    const { nodes, counts, extensions } = this;
    const bigrams = maxN === 2;
    let nnz = 0;
    let previous = NO_NODE;
    for (let i = 0; i < tokens.length; i++) {
      const wordEntry = nodes.findWordEntry(tokens[i]);
      if (wordEntry < 0) {
        previous = NO_NODE;
        continue;
      }
      const word = nodes.wordEntryNode(wordEntry);
      if (bigrams && previous !== NO_NODE && extensions.mayContain(previous, word)) {
        const entry = nodes.findExtensionEntry(previous, word);
        if (entry >= 0) nnz = tally(counts, indices, nnz, nodes.entryTag(entry));
      }
      previous = word;
      if (minN === 1) nnz = tally(counts, indices, nnz, nodes.wordEntryTag(wordEntry));
    }
    return nnz;
  }

  /** countInto for any n-gram range: a window of the last n-1 tokens' n-gram nodes. */
  private countNgrams(tokens: readonly string[], indices: Int32Array, minN: number, maxN: number): number {
    const { nodes, counts, recent, extensions } = this;
    let nnz = 0;
    recent.fill(NO_NODE);
    for (let i = 0; i < tokens.length; i++) {
      const wordEntry = nodes.findWordEntry(tokens[i]);
      if (wordEntry < 0) {
        // No feature contains this word: every n-gram through it is unknown.
        recent.fill(NO_NODE);
        continue;
      }
      const word = nodes.wordEntryNode(wordEntry);
      // Longest first, so recent[n - 2] still holds the previous token's (n-1)-gram.
      for (let n = maxN; n >= 2; n--) {
        const prefix = recent[n - 2];
        const entry = prefix === NO_NODE || !extensions.mayContain(prefix, word) ? -1 : nodes.findExtensionEntry(prefix, word);
        if (entry < 0) {
          recent[n - 1] = NO_NODE;
          continue;
        }
        recent[n - 1] = nodes.entryNode(entry);
        if (n >= minN) nnz = tally(counts, indices, nnz, nodes.entryTag(entry));
      }
      recent[0] = word;
      if (minN === 1) nnz = tally(counts, indices, nnz, nodes.wordEntryTag(wordEntry));
    }
    return nnz;
  }

  /**
   * Turns counts into weights in place: binary / sublinear tf, times the idf of feature j read at
   * `idf[j * stride]` (null: no idf), then the row norm. The stride lets a classifier keep each
   * feature's idf next to its class weights, one cache line per feature.
   */
  weigh(row: SparseRow, idf: Float64Array | null, stride: number): void {
    const { binary, sublinearTf, norm } = this.options;
    const { indices, values, length } = row;
    let l1 = 0;
    let l2 = 0;
    for (let k = 0; k < length; k++) {
      let value = binary ? 1 : values[k];
      // Most counts are 1, and 1 + ln(1) = 1.
      if (sublinearTf && value !== 1) value = 1 + Math.log(value);
      if (idf) value *= idf[indices[k] * stride];
      values[k] = value;
      l1 += Math.abs(value);
      l2 += value * value;
    }
    const scale = norm === 'l2' ? Math.sqrt(l2) : norm === 'l1' ? l1 : 0;
    if (scale > 0) for (let k = 0; k < length; k++) values[k] /= scale;
  }
}

export function idfWeights(documentFrequency: readonly number[], documents: number, smooth: boolean): Float64Array {
  const idf = new Float64Array(documentFrequency.length);
  const extra = smooth ? 1 : 0;
  for (let j = 0; j < idf.length; j++) {
    idf[j] = Math.log((documents + extra) / (documentFrequency[j] + extra)) + 1;
  }
  return idf;
}

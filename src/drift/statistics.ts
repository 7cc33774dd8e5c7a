import { identifyLanguage, type DetectedLanguage } from '../text/language';
import type { TokenIdView } from '../text/token-id-view';
import { ensureCapacity } from '../util/growable';
import { IdTermCounts } from './id-term-counts';
import { fingerprint } from './hash';
import { addToHistogram, CUTS, emptyHistogram, mergeHistograms, type HistogramV1 } from './histogram';

/**
 * The statistics of a dataset that drift detection compares: computed for a model's training data
 * (the baseline) and for every scored batch, in the same shape and with the same histogram cuts.
 * Counts, never rates, so that datasets merge by addition.
 */
export const STATISTICS_SCHEMA_VERSION = 1;

/** Default bound on the vocabulary kept in a statistics document (terms by document frequency). */
export const DEFAULT_VOCABULARY_LIMIT = 50_000;

export interface VocabularyV1 {
  /** Documents counted (empty ones included). */
  documents: number;
  /** Token occurrences. */
  tokens: number;
  /** Distinct terms seen; a lower bound when `exact` is false. */
  distinctTerms: number;
  /** False once truncated vocabularies were merged: terms beyond each part's top list are lost. */
  exact: boolean;
  limit: number;
  /** [term, document frequency, occurrences], by document frequency, then occurrences, then term. */
  top: Array<[string, number, number]>;
  /** Occurrences of the terms in `top`. */
  coveredTokens: number;
}

/**
 * A vocabulary's terms as columns, in no particular order: `terms[i]` was in `df[i]` documents and
 * occurred `tf[i]` times. Cheaper to write, read and merge than ranked [term, df, tf] triples.
 */
export interface TermColumnsV1 {
  terms: string[];
  df: number[];
  tf: number[];
}

export interface QualityCountsV1 {
  /** Rows that reached this stage plus those rejected before it (quarantined, unreadable). */
  inputRows: number;
  /** Readable documents with no token after cleaning. */
  empty: number;
  /** Non-empty documents whose text_clean repeats an earlier document of the same dataset. */
  duplicate: number;
  /** Rows that could not be read (quarantined by ingest, rejected by the training-set reader). */
  unreadable: number;
}

export interface PredictionStatisticsV1 {
  /** Predicted label -> documents. */
  classes: Record<string, number>;
  /** Histogram of the winning probability. */
  confidence: HistogramV1;
}

/** Labelled rows only: matrix[i][j] = rows of true label labels[i] predicted as labels[j]. */
export interface ConfusionV1 {
  labels: string[];
  matrix: number[][];
}

/** Tokens measured against a reference vocabulary (a baseline's top terms), named by its key. */
export interface OovCountsV1 {
  vocabularyKey: string;
  tokens: number;
  unseen: number;
}

export interface DatasetStatisticsV1 {
  schemaVersion: typeof STATISTICS_SCHEMA_VERSION;
  /** Readable documents. */
  documents: number;
  /** True label -> documents, for labelled rows. */
  labels: Record<string, number>;
  unlabelled: number;
  textLength: HistogramV1;
  tokenCount: HistogramV1;
  sentiment: HistogramV1;
  sentimentLabels: Record<'positive' | 'negative' | 'neutral', number>;
  /**
   * Documents per identified language (en, es, other, unknown: src/text/language.ts). Absent in
   * statistics written before it was counted.
   */
  languages?: Record<DetectedLanguage, number>;
  vocabulary: VocabularyV1;
  quality: QualityCountsV1;
  predictions: PredictionStatisticsV1 | null;
  confusion: ConfusionV1 | null;
  oov: OovCountsV1 | null;
}

export interface DocumentObservation {
  label: string | null;
  textClean: string;
  tokens: readonly string[];
  /** VADER compound in [-1, 1]. */
  sentiment: number;
  /** `fingerprint(textClean)`, when the caller already computed it. */
  fingerprint?: number;
  /** `identifyLanguage(tokens)`, when the caller already computed it. */
  language?: DetectedLanguage;
  /**
   * The tokens' ids in the text vocabulary, when the caller just cleaned the document
   * (`lastTokenIds()` of src/text): terms are then counted by id, without a hash lookup per token.
   */
  tokenIds?: TokenIdView;
}

export interface PredictionObservation {
  /** The true label when known. */
  label: string | null;
  predictedLabel: string;
  probabilities: Readonly<Record<string, number>>;
}

export interface AccumulatorOptions {
  vocabularyLimit?: number;
  /** Count tokens absent from this vocabulary (the OOV rate). */
  oovVocabulary?: { key: string; terms: ReadonlySet<string> };
}

function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

function normaliseLabel(label: string | null | undefined): string | null {
  return label === null || label === undefined || label.trim() === '' ? null : label;
}

/** VADER's published thresholds (the same as src/text's sentimentLabel). */
function sentimentClass(compound: number): 'positive' | 'negative' | 'neutral' {
  if (compound >= 0.05) return 'positive';
  if (compound <= -0.05) return 'negative';
  return 'neutral';
}

function byFrequency(a: [string, number, number], b: [string, number, number]): number {
  return b[1] - a[1] || b[2] - a[2] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/**
 * Accumulates the statistics of one dataset, document by document (memory: the distinct terms and
 * one fingerprint per document). Histograms are exact; the vocabulary is exact until `toStatistics`
 * keeps its top `vocabularyLimit` terms.
 */
export class StatisticsAccumulator {
  private documents = 0;
  private unlabelled = 0;
  private readonly labels: Record<string, number> = {};
  private readonly textLength = emptyHistogram(CUTS.textLength);
  private readonly tokenCount = emptyHistogram(CUTS.tokenCount);
  private readonly sentiment = emptyHistogram(CUTS.sentiment);
  private readonly sentimentLabels = { positive: 0, negative: 0, neutral: 0 };
  private readonly languages: Record<DetectedLanguage, number> = { en: 0, es: 0, other: 0, unknown: 0 };
  /**
   * Term -> slot in the count arrays (one hash lookup per token and no object per term). `lastDoc`:
   * the last document (by number) that counted the term's document frequency.
   */
  private readonly terms = new Map<string, number>();
  private df = new Float64Array(1024);
  private tf = new Float64Array(1024);
  private lastDoc = new Float64Array(1024);
  private tokens = 0;
  private empty = 0;
  private duplicate = 0;
  private unreadable = 0;
  private readonly seen = new Set<string>();
  private predicted: PredictionStatisticsV1 | null = null;
  private readonly confusion = new Map<string, Map<string, number>>();
  private oovTokens = 0;
  private oovUnseen = 0;
  private readonly vocabularyLimit: number;
  /** Counts of interned tokens by vocabulary id, folded into `terms` when the vocabulary starts over. */
  private readonly byId = new IdTermCounts();

  constructor(private readonly options: AccumulatorOptions = {}) {
    this.vocabularyLimit = options.vocabularyLimit ?? DEFAULT_VOCABULARY_LIMIT;
    if (!Number.isInteger(this.vocabularyLimit) || this.vocabularyLimit < 0)
      throw new RangeError('vocabularyLimit must be a non-negative integer');
  }

  addDocument(doc: DocumentObservation): void {
    this.documents++;
    const label = normaliseLabel(doc.label);
    if (label === null) this.unlabelled++;
    else increment(this.labels, label);
    addToHistogram(this.textLength, doc.textClean.length);
    addToHistogram(this.tokenCount, doc.tokens.length);
    const compound = Number.isFinite(doc.sentiment) ? doc.sentiment : 0;
    addToHistogram(this.sentiment, compound);
    this.sentimentLabels[sentimentClass(compound)]++;
    this.languages[doc.language ?? identifyLanguage(doc.tokens)]++;

    if (doc.tokens.length === 0) this.empty++;
    else {
      const key = `${doc.textClean.length}:${doc.fingerprint ?? fingerprint(doc.textClean)}`;
      if (this.seen.has(key)) this.duplicate++;
      else this.seen.add(key);
    }

    // Stamping each term with the document number counts document frequency without a set per document.
    const stamp = this.documents;
    const { tokens, tokenIds } = doc;
    const reference = this.options.oovVocabulary;
    if (tokenIds) {
      if (tokenIds.epoch !== this.byId.epoch) this.foldIds(tokenIds.epoch);
      let unseen = this.byId.addDocument(tokens, tokenIds.ids, stamp, reference?.terms);
      // Tokens the vocabulary does not intern (digits, very long words) are counted by string.
      for (let i = 0; i < tokens.length; i++) {
        if (tokenIds.ids[i] >= 0) continue;
        this.countTerm(tokens[i], stamp);
        if (reference && !reference.terms.has(tokens[i])) unseen++;
      }
      if (reference) {
        this.oovTokens += tokens.length;
        this.oovUnseen += unseen;
      }
    } else {
      for (let i = 0; i < tokens.length; i++) this.countTerm(tokens[i], stamp);
      if (reference) {
        this.oovTokens += tokens.length;
        for (const token of tokens) if (!reference.terms.has(token)) this.oovUnseen++;
      }
    }
    this.tokens += tokens.length;
  }

  private countTerm(term: string, stamp: number): void {
    let slot = this.terms.get(term);
    if (slot === undefined) slot = this.addTerm(term);
    this.tf[slot]++;
    if (this.lastDoc[slot] !== stamp) {
      this.lastDoc[slot] = stamp;
      this.df[slot]++;
    }
  }

  /** Moves the counts by id into the counts by term (a document is counted under one epoch only). */
  private foldIds(nextEpoch: number): void {
    this.byId.drain((term, df, tf) => {
      let slot = this.terms.get(term);
      if (slot === undefined) slot = this.addTerm(term);
      this.df[slot] += df;
      this.tf[slot] += tf;
    }, nextEpoch);
  }

  private addTerm(term: string): number {
    const slot = this.terms.size;
    this.terms.set(term, slot);
    if (slot === this.tf.length) {
      this.df = ensureCapacity(this.df, slot);
      this.tf = ensureCapacity(this.tf, slot);
      this.lastDoc = ensureCapacity(this.lastDoc, slot);
    }
    return slot;
  }

  addPrediction(p: PredictionObservation): void {
    this.predicted ??= { classes: {}, confidence: emptyHistogram(CUTS.confidence) };
    increment(this.predicted.classes, p.predictedLabel);
    let best = 0;
    for (const value of Object.values(p.probabilities)) if (value > best) best = value;
    addToHistogram(this.predicted.confidence, best);
    const label = normaliseLabel(p.label);
    if (label !== null) {
      let row = this.confusion.get(label);
      if (!row) this.confusion.set(label, (row = new Map()));
      row.set(p.predictedLabel, (row.get(p.predictedLabel) ?? 0) + 1);
    }
  }

  /** Rows that never became documents (quarantined or unparseable). */
  addUnreadable(rows: number): void {
    if (!Number.isInteger(rows) || rows < 0) throw new RangeError('unreadable rows must be a non-negative integer');
    this.unreadable += rows;
  }

  toStatistics(): DatasetStatisticsV1 {
    this.foldIds(this.byId.epoch);
    const top = this.rankedTerms();
    return this.document(
      top,
      top.reduce((s, t) => s + t[2], 0),
    );
  }

  /**
   * The statistics with the vocabulary's terms as unordered columns beside them, `vocabulary.top`
   * left empty: what a shard summary stores (src/pipeline/shard-summary.ts). Ranking is left to the
   * merge that reads them, so a shard whose terms all fit within vocabularyLimit is not sorted;
   * one with more keeps its vocabularyLimit most frequent, as toStatistics does.
   */
  toStatisticsAndTerms(): { statistics: DatasetStatisticsV1; terms: TermColumnsV1 } {
    this.foldIds(this.byId.epoch);
    const terms: TermColumnsV1 = { terms: [], df: [], tf: [] };
    let covered = 0;
    const keep = (term: string, df: number, tf: number) => {
      terms.terms.push(term);
      terms.df.push(df);
      terms.tf.push(tf);
      covered += tf;
    };
    if (this.terms.size > this.vocabularyLimit) for (const [term, df, tf] of this.rankedTerms()) keep(term, df, tf);
    else for (const [term, slot] of this.terms) keep(term, this.df[slot], this.tf[slot]);
    return { statistics: this.document([], covered), terms };
  }

  /** The vocabularyLimit most frequent terms, ranked (ids folded in first). */
  private rankedTerms(): Array<[string, number, number]> {
    const all: Array<[string, number, number]> = [];
    for (const [term, slot] of this.terms) all.push([term, this.df[slot], this.tf[slot]]);
    all.sort(byFrequency);
    return all.slice(0, this.vocabularyLimit);
  }

  private document(top: Array<[string, number, number]>, coveredTokens: number): DatasetStatisticsV1 {
    const clone = (h: typeof this.textLength) => ({ cuts: [...h.cuts], counts: [...h.counts] });
    return {
      schemaVersion: STATISTICS_SCHEMA_VERSION,
      documents: this.documents,
      labels: { ...this.labels },
      unlabelled: this.unlabelled,
      textLength: clone(this.textLength),
      tokenCount: clone(this.tokenCount),
      sentiment: clone(this.sentiment),
      sentimentLabels: { ...this.sentimentLabels },
      languages: { ...this.languages },
      vocabulary: {
        documents: this.documents,
        tokens: this.tokens,
        distinctTerms: this.terms.size,
        exact: true,
        limit: this.vocabularyLimit,
        top,
        coveredTokens,
      },
      quality: { inputRows: this.documents + this.unreadable, empty: this.empty, duplicate: this.duplicate, unreadable: this.unreadable },
      predictions: this.predicted ? { classes: { ...this.predicted.classes }, confidence: clone(this.predicted.confidence) } : null,
      confusion: this.confusion.size > 0 ? confusionFromMap(this.confusion) : null,
      oov: this.options.oovVocabulary
        ? { vocabularyKey: this.options.oovVocabulary.key, tokens: this.oovTokens, unseen: this.oovUnseen }
        : null,
    };
  }
}

function confusionFromMap(rows: Map<string, Map<string, number>>): ConfusionV1 {
  const labels = new Set<string>(rows.keys());
  for (const row of rows.values()) for (const predicted of row.keys()) labels.add(predicted);
  const sorted = [...labels].sort();
  return {
    labels: sorted,
    matrix: sorted.map((t) => sorted.map((p) => rows.get(t)?.get(p) ?? 0)),
  };
}

function confusionToMap(c: ConfusionV1 | null, into: Map<string, Map<string, number>>): void {
  if (!c) return;
  c.labels.forEach((t, i) =>
    c.labels.forEach((p, j) => {
      if (c.matrix[i][j] === 0) return;
      let row = into.get(t);
      if (!row) into.set(t, (row = new Map()));
      row.set(p, (row.get(p) ?? 0) + c.matrix[i][j]);
    }),
  );
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) increment(out, k, v);
  return out;
}

function mergeVocabularies(a: VocabularyV1, b: VocabularyV1, limit: number): VocabularyV1 {
  const terms = new Map<string, [string, number, number]>();
  for (const [term, df, tf] of [...a.top, ...b.top]) {
    const entry = terms.get(term);
    if (entry) {
      entry[1] += df;
      entry[2] += tf;
    } else terms.set(term, [term, df, tf]);
  }
  const all = [...terms.values()].sort(byFrequency);
  const top = all.slice(0, limit);
  const lossless = a.top.length === a.distinctTerms && b.top.length === b.distinctTerms && a.exact && b.exact;
  return {
    documents: a.documents + b.documents,
    tokens: a.tokens + b.tokens,
    distinctTerms: lossless ? terms.size : Math.max(a.distinctTerms, b.distinctTerms, terms.size),
    exact: lossless,
    limit,
    top,
    coveredTokens: top.reduce((s, t) => s + t[2], 0),
  };
}

/**
 * The statistics of the union of two datasets. Exact for counts, histograms, predictions and
 * confusion counts; the vocabulary is exact only when neither part was truncated; duplicates
 * across the two parts are not detected (each part only knows its own documents). OOV counts add up
 * when both parts were measured against the same vocabulary; a part without them is skipped.
 */
export function mergeStatistics(
  a: DatasetStatisticsV1,
  b: DatasetStatisticsV1,
  vocabularyLimit = Math.max(a.vocabulary.limit, b.vocabulary.limit),
): DatasetStatisticsV1 {
  if (a.schemaVersion !== STATISTICS_SCHEMA_VERSION || b.schemaVersion !== STATISTICS_SCHEMA_VERSION) {
    throw new RangeError(`cannot merge statistics of schema versions ${a.schemaVersion} and ${b.schemaVersion}`);
  }
  let predictions: PredictionStatisticsV1 | null = a.predictions ?? b.predictions;
  if (a.predictions && b.predictions) {
    predictions = {
      classes: addCounts(a.predictions.classes, b.predictions.classes),
      confidence: mergeHistograms(a.predictions.confidence, b.predictions.confidence),
    };
  }
  const confusion = new Map<string, Map<string, number>>();
  confusionToMap(a.confusion, confusion);
  confusionToMap(b.confusion, confusion);
  let oov: OovCountsV1 | null = a.oov ?? b.oov;
  if (a.oov && b.oov) {
    if (a.oov.vocabularyKey !== b.oov.vocabularyKey)
      throw new RangeError(`OOV counts against different vocabularies (${a.oov.vocabularyKey}, ${b.oov.vocabularyKey})`);
    oov = { vocabularyKey: a.oov.vocabularyKey, tokens: a.oov.tokens + b.oov.tokens, unseen: a.oov.unseen + b.oov.unseen };
  }
  return {
    schemaVersion: STATISTICS_SCHEMA_VERSION,
    documents: a.documents + b.documents,
    labels: addCounts(a.labels, b.labels),
    unlabelled: a.unlabelled + b.unlabelled,
    textLength: mergeHistograms(a.textLength, b.textLength),
    tokenCount: mergeHistograms(a.tokenCount, b.tokenCount),
    sentiment: mergeHistograms(a.sentiment, b.sentiment),
    sentimentLabels: {
      positive: a.sentimentLabels.positive + b.sentimentLabels.positive,
      negative: a.sentimentLabels.negative + b.sentimentLabels.negative,
      neutral: a.sentimentLabels.neutral + b.sentimentLabels.neutral,
    },
    ...mergeLanguages(a.languages, b.languages),
    vocabulary: mergeVocabularies(a.vocabulary, b.vocabulary, vocabularyLimit),
    quality: {
      inputRows: a.quality.inputRows + b.quality.inputRows,
      empty: a.quality.empty + b.quality.empty,
      duplicate: a.quality.duplicate + b.quality.duplicate,
      unreadable: a.quality.unreadable + b.quality.unreadable,
    },
    predictions,
    confusion: confusion.size > 0 ? confusionFromMap(confusion) : null,
    oov,
  };
}

/** Counted only when both parts counted them: a part written before languages were counted would make the sum a lie. */
function mergeLanguages(
  a: Record<DetectedLanguage, number> | undefined,
  b: Record<DetectedLanguage, number> | undefined,
): { languages?: Record<DetectedLanguage, number> } {
  if (!a || !b) return {};
  return { languages: { en: a.en + b.en, es: a.es + b.es, other: a.other + b.other, unknown: a.unknown + b.unknown } };
}

export interface QualityRates {
  empty: number;
  duplicate: number;
  unreadable: number;
}

/** Empty and duplicate rates per readable document; unreadable per input row. 0 when undefined. */
export function qualityRates(s: DatasetStatisticsV1): QualityRates {
  const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);
  return {
    empty: ratio(s.quality.empty, s.documents),
    duplicate: ratio(s.quality.duplicate, s.documents),
    unreadable: ratio(s.quality.unreadable, s.quality.inputRows),
  };
}

/** Share of tokens outside the reference vocabulary, or null when not measured. */
export function oovRate(s: DatasetStatisticsV1): number | null {
  return s.oov && s.oov.tokens > 0 ? s.oov.unseen / s.oov.tokens : null;
}

export interface ConfusionMetrics {
  documents: number;
  accuracy: number;
  macroF1: number;
}

/**
 * Accuracy and macro F1 from confusion counts, the way the model's own evaluation computes them
 * (sklearn's zero_division=0; macro average over the union of true and predicted labels).
 */
export function confusionMetrics(c: ConfusionV1): ConfusionMetrics {
  const k = c.labels.length;
  let documents = 0;
  let correct = 0;
  let f1Sum = 0;
  for (let i = 0; i < k; i++) {
    const tp = c.matrix[i][i];
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += c.matrix[i][j];
      predicted += c.matrix[j][i];
    }
    documents += support;
    correct += tp;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    f1Sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  return { documents, accuracy: documents === 0 ? 0 : correct / documents, macroF1: k === 0 ? 0 : f1Sum / k };
}

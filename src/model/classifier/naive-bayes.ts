import type { SparseRow } from '../vectorizer/sparse-row';

export type NaiveBayesVariant = 'multinomial' | 'complement';

export interface NaiveBayesOptions {
  variant: NaiveBayesVariant;
  /** Additive (Laplace/Lidstone) smoothing; must be > 0. */
  alpha: number;
  /** Learn class priors from class frequencies; false means uniform priors. Ignored by complement NB (as in sklearn). */
  fitPrior: boolean;
  /** Fixed prior probability per label; overrides fitPrior when given. */
  classPrior?: Record<string, number> | null;
}

/**
 * Sufficient statistics of a naive Bayes model: per class, the number of documents and the summed
 * feature values. Adding documents is all training does, so memory is k x V whatever the corpus
 * size, and shards can be added in any order (a partial fit).
 */
export class NaiveBayesCounts {
  readonly classCounts: Float64Array;
  /** Feature-major: the k class sums of feature j are at [j * k, j * k + k). */
  readonly featureCounts: Float64Array;

  constructor(
    readonly labelCount: number,
    readonly featureCount: number,
  ) {
    this.classCounts = new Float64Array(labelCount);
    this.featureCounts = new Float64Array(labelCount * featureCount);
  }

  add(classIndex: number, row: SparseRow): void {
    const k = this.labelCount;
    const { indices, values, length } = row;
    for (let i = 0; i < length; i++) this.featureCounts[indices[i] * k + classIndex] += values[i];
    this.classCounts[classIndex]++;
  }
}

/** Fitted parameters, with scikit-learn's MultinomialNB / ComplementNB (norm=False) formulas. */
export class NaiveBayesModel {
  readonly classLogPrior: Float64Array;
  /** Feature-major like the counts. */
  readonly featureLogProb: Float64Array;
  readonly labels: readonly string[];
  private readonly k: number;

  constructor(options: NaiveBayesOptions, labels: readonly string[], counts: NaiveBayesCounts) {
    validateNaiveBayesOptions(options, labels);
    if (counts.labelCount !== labels.length) throw new RangeError(`${labels.length} labels but counts for ${counts.labelCount}`);
    this.labels = labels;
    this.k = labels.length;
    this.classLogPrior = classLogPrior(options, labels, counts.classCounts);
    this.featureLogProb =
      options.variant === 'multinomial' ? multinomialLogProb(counts, options.alpha) : complementLogProb(counts, options.alpha);
    // sklearn's ComplementNB uses the prior only when there is a single class.
    if (options.variant === 'complement' && this.k > 1) this.classLogPrior.fill(0);
  }

  /** Unnormalised log posterior per class (jll), written into `out`. */
  jointLogLikelihood(row: SparseRow, out: Float64Array): Float64Array {
    const k = this.k;
    const flp = this.featureLogProb;
    out.set(this.classLogPrior);
    const { indices, values, length } = row;
    for (let i = 0; i < length; i++) {
      const base = indices[i] * k;
      const value = values[i];
      for (let c = 0; c < k; c++) out[c] += value * flp[base + c];
    }
    return out;
  }
}

function validateNaiveBayesOptions(options: NaiveBayesOptions, labels: readonly string[]): void {
  if (options.variant !== 'multinomial' && options.variant !== 'complement') {
    throw new RangeError(`unknown naive Bayes variant ${JSON.stringify(options.variant)}`);
  }
  if (!(options.alpha > 0) || !Number.isFinite(options.alpha))
    throw new RangeError(`alpha must be a positive number, got ${options.alpha}`);
  if (labels.length === 0) throw new RangeError('a classifier needs at least one label');
}

function classLogPrior(options: NaiveBayesOptions, labels: readonly string[], classCounts: Float64Array): Float64Array {
  const k = labels.length;
  const prior = new Float64Array(k);
  if (options.classPrior) {
    const given = options.classPrior;
    labels.forEach((label, c) => {
      const p = given[label];
      if (!(p > 0 && p <= 1)) throw new RangeError(`classPrior for ${JSON.stringify(label)} must be in (0, 1], got ${p}`);
      prior[c] = Math.log(p);
    });
    const unknown = Object.keys(given).filter((label) => !labels.includes(label));
    if (unknown.length > 0) throw new RangeError(`classPrior names labels absent from training: ${unknown.join(', ')}`);
  } else if (options.fitPrior) {
    let total = 0;
    for (const count of classCounts) total += count;
    const logTotal = Math.log(total);
    for (let c = 0; c < k; c++) prior[c] = Math.log(classCounts[c]) - logTotal;
  } else {
    prior.fill(-Math.log(k));
  }
  return prior;
}

function multinomialLogProb(counts: NaiveBayesCounts, alpha: number): Float64Array {
  const { labelCount: k, featureCount: v, featureCounts } = counts;
  const classTotals = new Float64Array(k);
  for (let j = 0; j < v; j++) for (let c = 0; c < k; c++) classTotals[c] += featureCounts[j * k + c] + alpha;
  const logTotals = classTotals.map(Math.log);
  const flp = new Float64Array(k * v);
  for (let j = 0; j < v; j++) {
    for (let c = 0; c < k; c++) flp[j * k + c] = Math.log(featureCounts[j * k + c] + alpha) - logTotals[c];
  }
  return flp;
}

/** Weights from the counts of every class but c; sklearn stores -log(normalised complement counts). */
function complementLogProb(counts: NaiveBayesCounts, alpha: number): Float64Array {
  const { labelCount: k, featureCount: v, featureCounts } = counts;
  const complementTotals = new Float64Array(k);
  const featureTotals = new Float64Array(v);
  for (let j = 0; j < v; j++) {
    let all = 0;
    for (let c = 0; c < k; c++) all += featureCounts[j * k + c];
    featureTotals[j] = all;
    for (let c = 0; c < k; c++) complementTotals[c] += all + alpha - featureCounts[j * k + c];
  }
  const flp = new Float64Array(k * v);
  for (let j = 0; j < v; j++) {
    for (let c = 0; c < k; c++) {
      flp[j * k + c] = -Math.log((featureTotals[j] + alpha - featureCounts[j * k + c]) / complementTotals[c]);
    }
  }
  return flp;
}

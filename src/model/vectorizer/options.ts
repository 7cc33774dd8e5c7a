export type NormKind = 'l1' | 'l2' | 'none';

/**
 * scikit-learn's CountVectorizer/TfidfVectorizer options over token lists. `minDf` and `maxDf` use
 * sklearn's convention with one simplification: a value in (0, 1) is a fraction of the documents
 * (also 1 for maxDf), anything else an absolute document count.
 */
export interface VectorizerOptions {
  /** Smallest and largest n-gram length, e.g. [1, 2] for words and word pairs. */
  ngramRange: [number, number];
  minDf: number;
  maxDf: number;
  /** Keep only the n-grams with the highest corpus frequency, after the df filters. */
  maxFeatures: number | null;
  binary: boolean;
  useIdf: boolean;
  smoothIdf: boolean;
  sublinearTf: boolean;
  norm: NormKind;
  /**
   * Memory bound of the first (document-frequency) pass, in distinct n-grams. Exact below it;
   * above it the rarest n-grams are dropped (each drop halves the table), which can only remove
   * terms near the bottom of the frequency range (reported as `prunedDfThreshold`).
   */
  maxCandidateTerms: number;
}

/** scikit-learn's TfidfVectorizer defaults (with the candidate bound, which sklearn lacks). */
export const TFIDF_DEFAULTS: VectorizerOptions = Object.freeze({
  ngramRange: [1, 1] as [number, number],
  minDf: 1,
  maxDf: 1,
  maxFeatures: null,
  binary: false,
  useIdf: true,
  smoothIdf: true,
  sublinearTf: false,
  norm: 'l2' as const,
  maxCandidateTerms: 4_000_000,
});

/** scikit-learn's CountVectorizer: raw counts. */
export const COUNT_DEFAULTS: VectorizerOptions = Object.freeze({ ...TFIDF_DEFAULTS, useIdf: false, norm: 'none' as const });

export function documentCountBounds(options: VectorizerOptions, documents: number): { min: number; max: number } {
  const min = options.minDf > 0 && options.minDf < 1 ? options.minDf * documents : options.minDf;
  const max = options.maxDf > 0 && options.maxDf <= 1 ? options.maxDf * documents : options.maxDf;
  if (max < min) throw new RangeError(`maxDf (${options.maxDf}) corresponds to fewer documents than minDf (${options.minDf})`);
  return { min, max };
}

export function validateVectorizerOptions(options: VectorizerOptions): void {
  const [minN, maxN] = options.ngramRange;
  if (!Number.isInteger(minN) || !Number.isInteger(maxN) || minN < 1 || maxN < minN || maxN > 8) {
    throw new RangeError(`ngramRange must be integers 1 <= min <= max <= 8, got [${minN}, ${maxN}]`);
  }
  if (!(options.minDf > 0)) throw new RangeError(`minDf must be > 0, got ${options.minDf}`);
  if (!(options.maxDf > 0)) throw new RangeError(`maxDf must be > 0, got ${options.maxDf}`);
  if (options.maxFeatures !== null && !(Number.isInteger(options.maxFeatures) && options.maxFeatures > 0)) {
    throw new RangeError(`maxFeatures must be a positive integer or null, got ${options.maxFeatures}`);
  }
  if (!(Number.isInteger(options.maxCandidateTerms) && options.maxCandidateTerms >= 1000)) {
    throw new RangeError(`maxCandidateTerms must be an integer >= 1000, got ${options.maxCandidateTerms}`);
  }
}

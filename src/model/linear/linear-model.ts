import type { LinearSvmOptions } from './linear-svm';
import type { LogisticRegressionOptions } from './logistic-regression';

/**
 * A fitted linear classifier: per class column c, score = intercept[c] + sum_j x_j w[j, c]. Two
 * classes have one column (the score of labels[1]). Logistic regression turns scores into
 * probabilities with the softmax (the sigmoid for one column); the SVM with its Platt calibration.
 */
export class LinearModel {
  constructor(
    readonly options: LogisticRegressionOptions | LinearSvmOptions,
    readonly labels: readonly string[],
    /** Feature-major, `columns` weights per feature. */
    readonly coefficients: Float64Array,
    readonly intercepts: Float64Array,
    readonly columns: number,
    /** SVM only: Platt's (a, b) per column. */
    readonly calibration: Float64Array | null,
    /** Training rows per label, as naive Bayes records them. */
    readonly classCounts: Float64Array,
    readonly fit: { iterations: number; converged: boolean },
  ) {
    const k = labels.length;
    if (k < 2) throw new RangeError('a linear classifier needs at least two labels');
    if (columns !== (k === 2 ? 1 : k)) throw new RangeError(`${columns} weight columns for ${k} labels`);
    if (intercepts.length !== columns) throw new RangeError(`${intercepts.length} intercepts for ${columns} columns`);
    if (coefficients.length % columns !== 0) throw new RangeError('coefficients do not divide into columns');
    if (options.variant === 'svm' && calibration?.length !== 2 * columns) throw new RangeError('an SVM needs a calibration per column');
  }

  get featureCount(): number {
    return this.coefficients.length / this.columns;
  }

  /** The weight of feature j in column c. */
  weight(j: number, c: number): number {
    return this.coefficients[j * this.columns + c];
  }
}

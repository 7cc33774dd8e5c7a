import { minimizeLbfgs } from './lbfgs';
import type { SparseMatrix } from './sparse-matrix';

export interface LogisticRegressionOptions {
  variant: 'logistic';
  /** Inverse L2 regularisation strength (scikit-learn's C). */
  C: number;
  /** L-BFGS iterations at most (scikit-learn's max_iter). */
  maxIter: number;
  /** Stop when no gradient component exceeds this (scikit-learn's tol). */
  tol: number;
}

export interface LinearFit {
  /** Feature-major: the `columns` weights of feature j are at [j * columns, (j + 1) * columns). */
  coefficients: Float64Array;
  intercepts: Float64Array;
  /** 1 for two classes (the score of labels[1]), else one per class. */
  columns: number;
  iterations: number;
  converged: boolean;
}

/**
 * scikit-learn's LogisticRegression(penalty='l2', solver='lbfgs'): with two classes one weight
 * vector and the binomial loss (labels[1] positive), with more the multinomial (softmax) loss over
 * one vector per class. The objective is scikit-learn's: mean log loss + ||W||^2 / (2 C n), the
 * intercepts unpenalised, starting from zero (which also pins the multinomial intercepts, free up
 * to a constant, to sum to zero as scikit-learn's do).
 */
export async function fitLogisticRegression(
  X: SparseMatrix,
  y: Int32Array,
  classes: number,
  features: number,
  options: LogisticRegressionOptions,
  onIteration?: (iteration: number) => void | Promise<void>,
): Promise<LinearFit> {
  const n = X.rows;
  if (n === 0) throw new RangeError('cannot fit logistic regression on zero rows');
  const columns = classes === 2 ? 1 : classes;
  const weights = features * columns;
  const l2 = 1 / (options.C * n);
  const { rowStart, indices, values } = X;
  const scores = new Float64Array(columns);

  const objective = (x: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const from = rowStart[r];
      const to = rowStart[r + 1];
      for (let c = 0; c < columns; c++) scores[c] = x[weights + c];
      for (let p = from; p < to; p++) {
        const base = indices[p] * columns;
        const v = values[p];
        for (let c = 0; c < columns; c++) scores[c] += v * x[base + c];
      }
      if (columns === 1) {
        // Binomial: log(1 + exp(s)) - t s, and its derivative sigmoid(s) - t.
        const s = scores[0];
        const t = y[r] === 1 ? 1 : 0;
        loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - t * s;
        scores[0] = (s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s))) - t;
      } else {
        let max = -Infinity;
        for (let c = 0; c < columns; c++) if (scores[c] > max) max = scores[c];
        let sum = 0;
        for (let c = 0; c < columns; c++) sum += Math.exp(scores[c] - max);
        const logSum = max + Math.log(sum);
        loss += logSum - scores[y[r]];
        for (let c = 0; c < columns; c++) scores[c] = Math.exp(scores[c] - logSum) - (c === y[r] ? 1 : 0);
      }
      for (let p = from; p < to; p++) {
        const base = indices[p] * columns;
        const v = values[p];
        for (let c = 0; c < columns; c++) gradient[base + c] += v * scores[c];
      }
      for (let c = 0; c < columns; c++) gradient[weights + c] += scores[c];
    }
    let penalty = 0;
    for (let i = 0; i < weights; i++) {
      penalty += x[i] * x[i];
      gradient[i] = gradient[i] / n + l2 * x[i];
    }
    for (let c = 0; c < columns; c++) gradient[weights + c] /= n;
    return loss / n + 0.5 * l2 * penalty;
  };

  const result = await minimizeLbfgs(objective, new Float64Array(weights + columns), {
    maxIterations: options.maxIter,
    gradientTolerance: options.tol,
    maxLineSearch: 50,
    onIteration: async (iteration) => {
      await onIteration?.(iteration);
    },
  });
  return {
    coefficients: result.x.slice(0, weights),
    intercepts: result.x.slice(weights),
    columns,
    iterations: result.iterations,
    converged: result.converged,
  };
}

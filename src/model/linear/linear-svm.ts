import type { LinearFit } from './logistic-regression';
import { plattProbability, plattScaling } from './platt';
import { sgdHinge } from './sgd-hinge';
import { sklearnStratifiedFolds } from './sklearn-folds';
import type { SparseMatrix } from './sparse-matrix';

export interface LinearSvmOptions {
  variant: 'svm';
  /** L2 regularisation strength (scikit-learn's SGDClassifier alpha). */
  alpha: number;
  /** Epochs at most per binary problem. */
  maxIter: number;
  tol: number;
  /** Folds of the internal cross-validation whose decision values the calibration is fitted on. */
  calibrationFolds: number;
  shuffle: boolean;
  seed: number;
}

export interface SvmFit extends LinearFit {
  /** Per column: Platt's (a, b), P = 1 / (1 + exp(a s + b)). */
  calibration: Float64Array;
  epochs: number;
}

/**
 * A linear SVM with calibrated probabilities, as scikit-learn's
 * CalibratedClassifierCV(SGDClassifier(loss='hinge'), method='sigmoid', cv=k, ensemble=False):
 * decision values for every row come from k models each fitted without that row's fold
 * (stratified folds without shuffling); a sigmoid per class is fitted on them; the model kept is
 * fitted on all rows. Two classes: one problem, labels[1] positive. More: one against the rest per
 * class, probabilities normalised to sum to 1.
 */
export async function fitLinearSvm(
  X: SparseMatrix,
  y: Int32Array,
  classes: number,
  features: number,
  options: LinearSvmOptions,
  onProgress?: (step: string) => void | Promise<void>,
): Promise<SvmFit> {
  const n = X.rows;
  const columns = classes === 2 ? 1 : classes;
  const signs = Array.from({ length: columns }, (_, c) => {
    const positive = classes === 2 ? 1 : c;
    return Float64Array.from(y, (label) => (label === positive ? 1 : -1));
  });
  const fitAll = (rows: Int32Array | undefined) => {
    const coefficients = new Float64Array(features * columns);
    const intercepts = new Float64Array(columns);
    let epochs = 0;
    for (let c = 0; c < columns; c++) {
      const fit = sgdHinge(X, signs[c], features, options, rows);
      for (let j = 0; j < features; j++) coefficients[j * columns + c] = fit.weights[j];
      intercepts[c] = fit.intercept;
      epochs = Math.max(epochs, fit.epochs);
    }
    return { coefficients, intercepts, epochs };
  };

  // Out-of-fold decision values.
  const folds = sklearnStratifiedFolds(y, options.calibrationFolds);
  const decisions = Array.from({ length: columns }, () => new Float64Array(n));
  for (let f = 0; f < options.calibrationFolds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (folds[i] === f ? test : train).push(i);
    const model = fitAll(Int32Array.from(train));
    for (const r of test) {
      for (let c = 0; c < columns; c++) {
        let s = model.intercepts[c];
        let dot = 0;
        for (let q = X.rowStart[r]; q < X.rowStart[r + 1]; q++) dot += X.values[q] * model.coefficients[X.indices[q] * columns + c];
        s += dot;
        decisions[c][r] = s;
      }
    }
    await onProgress?.(`calibration fold ${f + 1}`);
  }
  const calibration = new Float64Array(2 * columns);
  for (let c = 0; c < columns; c++) {
    const positive = Uint8Array.from(signs[c], (s) => (s > 0 ? 1 : 0));
    const { a, b } = plattScaling(decisions[c], positive);
    calibration[2 * c] = a;
    calibration[2 * c + 1] = b;
  }
  const final = fitAll(undefined);
  await onProgress?.('final fit');
  return { ...final, columns, calibration, iterations: final.epochs, converged: final.epochs < options.maxIter };
}

/** Calibrated probabilities from decision values (scores per column), written into `out` (one per class). */
export function calibratedProbabilities(scores: Float64Array, calibration: Float64Array, out: Float64Array): Float64Array {
  if (out.length === 2 && scores.length >= 1 && calibration.length === 2) {
    const p = plattProbability(scores[0], calibration[0], calibration[1]);
    out[1] = p;
    out[0] = 1 - p;
    return out;
  }
  let sum = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = plattProbability(scores[c], calibration[2 * c], calibration[2 * c + 1]);
    sum += out[c];
  }
  if (sum === 0) out.fill(1 / out.length);
  else for (let c = 0; c < out.length; c++) out[c] /= sum;
  return out;
}

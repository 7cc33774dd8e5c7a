import { createRng } from '../evaluation/prng';
import type { SparseMatrix } from './sparse-matrix';

/** scikit-learn's SPARSE_INTERCEPT_DECAY: on sparse rows the intercept moves 100 times slower. */
const SPARSE_INTERCEPT_DECAY = 0.01;
const MAX_DLOSS = 1e12;
/** Below this the lazily applied scale is folded into the weights (scikit-learn's threshold for float64). */
const RESET_SCALE_BELOW = 1e-9;

export interface SgdOptions {
  /** L2 regularisation strength (scikit-learn's alpha), also setting the 'optimal' learning rate. */
  alpha: number;
  /** Epochs at most. */
  maxIter: number;
  /** Stop after 5 epochs that did not lower the mean objective by more than this. */
  tol: number;
  /** Visit the rows in a new random order each epoch (seeded) rather than in order. */
  shuffle: boolean;
  seed: number;
}

export interface BinarySgdFit {
  weights: Float64Array;
  intercept: number;
  epochs: number;
}

/**
 * A linear SVM (hinge loss, L2 penalty) by plain stochastic gradient descent, step for step as
 * scikit-learn's SGDClassifier(loss='hinge', learning_rate='optimal') fits one binary problem on
 * sparse rows (sklearn/linear_model/_sgd_fast.pyx.tp): Bottou's 'optimal' schedule
 * eta = 1 / (alpha (t0 + t)), the weights kept as scale x vector so the L2 shrink is O(1), the
 * intercept decayed on sparse data, and its stopping rule on the training objective (including
 * its running squared norm, which only tracks the entries a row touches). Without shuffling it
 * reproduces scikit-learn's coefficients to rounding (test/parity/linear-models.test.ts).
 *
 * `sign[r]` is +1 for the positive class and -1 otherwise.
 */
export function sgdHinge(X: SparseMatrix, sign: Float64Array, features: number, options: SgdOptions, rows?: Int32Array): BinarySgdFit {
  const order = rows ? Int32Array.from(rows) : Int32Array.from({ length: X.rows }, (_, i) => i);
  const n = order.length;
  const { rowStart, indices, values } = X;
  const w = new Float64Array(features);
  let scale = 1;
  let squaredNorm = 0;
  let intercept = 0;
  const alpha = options.alpha;
  const typicalWeight = Math.sqrt(1 / Math.sqrt(alpha));
  // The hinge gradient at (y = 1, p = -typicalWeight) is -1, so max(1, -1) = 1.
  const initialEta = typicalWeight / Math.max(1, -1);
  const optimalInit = 1 / (initialEta * alpha);
  let t = 1;
  let bestObjective = Infinity;
  let noImprovement = 0;
  const random = createRng(options.seed);
  let epoch = 0;
  for (epoch = 0; epoch < options.maxIter; epoch++) {
    if (options.shuffle) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
    }
    let objectiveSum = 0;
    for (let k = 0; k < n; k++) {
      const r = order[k];
      const from = rowStart[r];
      const to = rowStart[r + 1];
      let dot = 0;
      for (let q = from; q < to; q++) dot += w[indices[q]] * values[q];
      dot *= scale;
      const p = dot + intercept;
      const eta = 1 / (alpha * (optimalInit + t - 1));
      const y = sign[r];
      const z = p * y;
      const loss = z <= 1 ? 1 - z : 0;
      // Two additions, as scikit-learn rounds them; the norm squared back from its square root, too.
      const norm = Math.sqrt(squaredNorm);
      objectiveSum += loss;
      objectiveSum += alpha * (0.5 * (norm * norm));
      let dloss = z <= 1 ? -y : 0;
      if (dloss < -MAX_DLOSS) dloss = -MAX_DLOSS;
      else if (dloss > MAX_DLOSS) dloss = MAX_DLOSS;
      const update = -eta * dloss;
      // L2 shrink, applied to the scale.
      const shrink = Math.max(0, 1 - eta * alpha);
      scale *= shrink;
      squaredNorm *= shrink * shrink;
      if (scale < RESET_SCALE_BELOW) {
        for (let j = 0; j < features; j++) w[j] *= scale;
        scale = 1;
      }
      if (update !== 0) {
        let touched = 0;
        const step = update / scale;
        for (let q = from; q < to; q++) {
          const j = indices[q];
          w[j] += values[q] * step;
          touched += w[j] * w[j];
        }
        squaredNorm = touched * (scale * scale);
        intercept += update * SPARSE_INTERCEPT_DECAY;
      }
      t += 1;
    }
    if (!Number.isFinite(intercept)) throw new RangeError('SGD diverged (intercept is not finite)');
    const objective = objectiveSum / n;
    if (objective > bestObjective - options.tol) noImprovement++;
    else noImprovement = 0;
    if (objective < bestObjective) bestObjective = objective;
    if (noImprovement >= 5) {
      epoch++;
      break;
    }
  }
  for (let j = 0; j < features; j++) w[j] *= scale;
  return { weights: w, intercept, epochs: epoch };
}

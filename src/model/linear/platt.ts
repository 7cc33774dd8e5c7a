/**
 * Platt scaling as scikit-learn's _sigmoid_calibration (sklearn/calibration.py): fits
 * P(positive | f) = 1 / (1 + exp(a f + b)) to decision values f by minimising the log loss
 * against Platt's smoothed targets ((N+ + 1) / (N+ + 2) for positives, 1 / (N- + 2) for
 * negatives). Decision values of magnitude 30 or more are rescaled first, as there. scikit-learn
 * stops L-BFGS at a gradient of 1e-6; Newton's method here goes to the optimum itself, so the two
 * agree to that precision.
 */
export function plattScaling(decisions: Float64Array, positive: Uint8Array): { a: number; b: number } {
  const n = decisions.length;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(decisions[i]));
  const scale = maxAbs >= 30 ? maxAbs : 1;
  let negatives = 0;
  for (let i = 0; i < n; i++) if (!positive[i]) negatives++;
  const positives = n - negatives;
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  let a = 0;
  let b = Math.log((negatives + 1) / (positives + 1));

  // loss(a, b) = sum log(1 + exp(-(a f + b))) + T (a f + b); p = sigmoid(-(a f + b)).
  const lossAt = (ta: number, tb: number): number => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const z = (ta * decisions[i]) / scale + tb;
      const target = positive[i] ? high : low;
      // log(1 + exp(-z)) computed stably.
      loss += (z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z))) + target * z;
    }
    return loss;
  };
  let loss = lossAt(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const f = decisions[i] / scale;
      const z = a * f + b;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const target = positive[i] ? high : low;
      const d = target - p; // d loss / d z
      ga += d * f;
      gb += d;
      const w = p * (1 - p);
      haa += w * f * f;
      hab += w * f;
      hbb += w;
    }
    if (Math.max(Math.abs(ga), Math.abs(gb)) < 1e-12 * Math.max(1, n)) break;
    // Newton step, with a tiny ridge when the Hessian is singular (e.g. constant decisions).
    const ridge = 1e-12 * (haa + hbb + 1);
    const det = (haa + ridge) * (hbb + ridge) - hab * hab;
    let da = -((hbb + ridge) * ga - hab * gb) / det;
    let db = -((haa + ridge) * gb - hab * ga) / det;
    if (!Number.isFinite(da) || !Number.isFinite(db)) {
      da = -ga;
      db = -gb;
    }
    // Backtrack until the loss does not increase.
    let step = 1;
    let next = lossAt(a + da, b + db);
    while (next > loss && step > 1e-10) {
      step /= 2;
      next = lossAt(a + step * da, b + step * db);
    }
    if (next > loss) break;
    a += step * da;
    b += step * db;
    const improved = loss - next;
    loss = next;
    if (improved <= 1e-15 * Math.max(1, Math.abs(loss))) break;
  }
  return { a: a / scale, b };
}

/** The calibrated probability of the positive class for a decision value. */
export function plattProbability(decision: number, a: number, b: number): number {
  const z = a * decision + b;
  // scikit-learn's expit(-(a f + b)).
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

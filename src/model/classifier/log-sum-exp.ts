/**
 * ln(sum(exp(x))) without overflow or underflow: shifting by the maximum keeps the largest term at
 * exp(0) = 1, so scores of -1e5 (long documents) still give finite results.
 */
export function logSumExp(values: ArrayLike<number>, length = values.length): number {
  let max = -Infinity;
  for (let i = 0; i < length; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity || Number.isNaN(max)) return max;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

/** Normalised probabilities from log-scores (a softmax), written into `out`. */
export function probabilitiesFromLogScores(scores: ArrayLike<number>, out: Float64Array): Float64Array {
  const total = logSumExp(scores, out.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(scores[i] - total);
  return out;
}

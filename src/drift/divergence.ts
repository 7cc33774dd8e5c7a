import { chiSquareSurvival } from './gamma';

/**
 * Distances between two binned distributions given as counts over the same bins (the baseline
 * first, the recent window second).
 */

/**
 * Proportion used for a bin that is empty in one of the two distributions when computing PSI.
 * ln(0) would make PSI infinite; 1e-4 (0.01 %) is the usual choice: an empty bin that holds p of
 * the other side then adds about p * ln(p / 1e-4) (0.046 for p = 1 %). Proportions are not
 * renormalised after the substitution, and a bin empty on both sides adds 0.
 */
export const PSI_EPSILON = 1e-4;

function checkPair(expected: readonly number[], actual: readonly number[]): void {
  if (expected.length !== actual.length) throw new RangeError(`distributions have ${expected.length} and ${actual.length} bins`);
  for (const n of [...expected, ...actual])
    if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError('bin counts must be finite and >= 0');
}

function total(counts: readonly number[]): number {
  return counts.reduce((s, n) => s + n, 0);
}

/**
 * Population stability index: Σ (a_i - e_i) ln(a_i / e_i) over bin proportions, with
 * PSI_EPSILON in place of a zero proportion. Conventional reading: < 0.1 stable, 0.1-0.2 moderate
 * shift, > 0.2 significant shift.
 */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[], epsilon = PSI_EPSILON): number {
  checkPair(expected, actual);
  const ne = total(expected);
  const na = total(actual);
  if (ne === 0 || na === 0) throw new RangeError('PSI of an empty distribution');
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] === 0 ? epsilon : expected[i] / ne;
    const a = actual[i] === 0 ? epsilon : actual[i] / na;
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/**
 * Jensen-Shannon distance with base-2 logarithms (in [0, 1]): the square root of the JS divergence,
 * as scipy.spatial.distance.jensenshannon(p, q, base=2), which normalises both inputs first.
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  checkPair(p, q);
  const np = total(p);
  const nq = total(q);
  if (np === 0 || nq === 0) throw new RangeError('Jensen-Shannon distance of an empty distribution');
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / np;
    const qi = q[i] / nq;
    const m = (pi + qi) / 2;
    if (pi > 0) left += pi * Math.log(pi / m);
    if (qi > 0) right += qi * Math.log(qi / m);
  }
  const divergence = (left + right) / Math.LN2 / 2;
  return Math.sqrt(Math.max(0, divergence));
}

export interface ChiSquareResult {
  statistic: number;
  /** (2 - 1) * (non-empty bins - 1). */
  dof: number;
  pValue: number;
}

/**
 * Pearson's chi-square test of homogeneity on the 2 x k table [expected; actual] of counts: are
 * both samples drawn from one distribution? Bins empty in both samples are dropped (their expected
 * count would be 0). No continuity correction, so this equals
 * scipy.stats.chi2_contingency(table, correction=False) on the non-empty bins.
 */
export function chiSquareHomogeneity(expected: readonly number[], actual: readonly number[]): ChiSquareResult {
  checkPair(expected, actual);
  const ne = total(expected);
  const na = total(actual);
  if (ne === 0 || na === 0) throw new RangeError('chi-square test with an empty sample');
  const n = ne + na;
  let statistic = 0;
  let bins = 0;
  for (let i = 0; i < expected.length; i++) {
    const column = expected[i] + actual[i];
    if (column === 0) continue;
    bins++;
    const ee = (ne * column) / n;
    const ea = (na * column) / n;
    statistic += ((expected[i] - ee) * (expected[i] - ee)) / ee + ((actual[i] - ea) * (actual[i] - ea)) / ea;
  }
  const dof = Math.max(0, bins - 1);
  if (dof === 0) return { statistic: 0, dof: 0, pValue: 1 };
  return { statistic, dof, pValue: chiSquareSurvival(statistic, dof) };
}

/** Aligns two label -> count maps on the sorted union of their labels. */
export function alignCategories(
  expected: Readonly<Record<string, number>>,
  actual: Readonly<Record<string, number>>,
): { bins: string[]; expected: number[]; actual: number[] } {
  const bins = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return { bins, expected: bins.map((b) => expected[b] ?? 0), actual: bins.map((b) => actual[b] ?? 0) };
}

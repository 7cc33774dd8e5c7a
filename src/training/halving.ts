/**
 * Successive halving (Jamieson & Talwalkar 2016; scikit-learn's HalvingRandomSearchCV) for the
 * hyperparameter search, as pure functions: the workflow imports this file, so it must stay free
 * of Node and of the engine.
 *
 * Every candidate is first cross-validated on a small nested sample of the training rows; only the
 * best 1/factor of them go on to a sample `factor` times larger, and so on until the last rung
 * uses every (sampled) training row. Most of the search's time goes to the few configurations
 * that are still in the race.
 */

export interface Rung {
  /** Fraction of the search rows this rung cross-validates on (nested: each rung's rows contain the previous rung's). */
  fraction: number;
  /** Candidates evaluated at this rung. */
  candidates: number;
}

export interface HalvingOptions {
  /** Candidates at the first rung. */
  candidates: number;
  /** Rows available to the search (the training split, or its sample). */
  rows: number;
  /** Each rung keeps 1/factor of the candidates and uses factor times the rows. */
  factor: number;
  /**
   * Fewest rows a rung may cross-validate on: below that, scores are noise and the schedule starts
   * at a larger fraction with fewer rungs.
   */
  minRows: number;
}

/** The rungs: fractions growing by `factor` up to 1, candidates shrinking by `factor` (at least 1). */
export function halvingSchedule(options: HalvingOptions): Rung[] {
  const { candidates, rows, factor, minRows } = options;
  if (!(Number.isInteger(candidates) && candidates >= 1)) throw new RangeError(`candidates must be an integer >= 1, got ${candidates}`);
  if (!(factor >= 2)) throw new RangeError(`factor must be >= 2, got ${factor}`);
  // As many rungs as halving the candidates allows, fewer when the first rung would be too small.
  let rungs = 1;
  while (factor ** rungs <= candidates && rows / factor ** rungs >= minRows) rungs++;
  const schedule: Rung[] = [];
  for (let r = 0; r < rungs; r++) {
    schedule.push({ fraction: 1 / factor ** (rungs - 1 - r), candidates: Math.max(1, Math.ceil(candidates / factor ** r)) });
  }
  return schedule;
}

export interface CandidateScore {
  /** Index of the candidate in the plan (the request's own config is 0). */
  index: number;
  /** Mean macro F1 over the folds, or null when some fold did not run (time budget) or failed. */
  meanMacroF1: number | null;
}

/**
 * The `keep` best candidates of a rung, by mean macro F1; ties go to the earlier candidate, so the
 * request's own config only loses to a strictly better one. Unscored candidates never advance.
 */
export function survivors(scores: readonly CandidateScore[], keep: number): number[] {
  return scores
    .filter((s) => s.meanMacroF1 !== null && Number.isFinite(s.meanMacroF1))
    .sort((a, b) => (b.meanMacroF1 as number) - (a.meanMacroF1 as number) || a.index - b.index)
    .slice(0, keep)
    .map((s) => s.index);
}

/** The winner: the best candidate of the highest rung that scored any; candidate 0 if none scored. */
export function searchWinner(rungs: readonly (readonly CandidateScore[])[]): { index: number; rung: number } {
  for (let r = rungs.length - 1; r >= 0; r--) {
    const [best] = survivors(rungs[r], 1);
    if (best !== undefined) return { index: best, rung: r };
  }
  return { index: 0, rung: -1 };
}

/** Mean of the folds' scores, or null unless every fold produced one. */
export function meanOfFolds(folds: readonly (number | null)[]): number | null {
  if (folds.length === 0 || folds.some((f) => f === null || !Number.isFinite(f))) return null;
  return (folds as number[]).reduce((a, b) => a + b, 0) / folds.length;
}

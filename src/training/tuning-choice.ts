/**
 * Picks the winner of the hyperparameter search. Kept apart from grid.ts because the workflow
 * calls it and must not import the engine (the workflow bundle stays free of Node modules).
 */
export interface ScoredCandidate {
  id: string;
  meanMacroF1: number;
  /** Set when the configuration could not be cross-validated (e.g. minDf left no terms). */
  failed?: string;
}

/**
 * Highest mean macro F1 over the folds. Ties go to the earlier candidate, and the request's own
 * config comes first, so the search only moves away from it for a strictly better score. Failed
 * candidates never win unless all failed (then the first, i.e. the request's config, is kept).
 */
export function bestCandidate<T extends ScoredCandidate>(results: readonly T[]): T {
  if (results.length === 0) throw new RangeError('no tuning results to choose from');
  let best = results[0];
  for (const r of results.slice(1)) {
    if (r.failed !== undefined || !Number.isFinite(r.meanMacroF1)) continue;
    if (best.failed !== undefined || !Number.isFinite(best.meanMacroF1) || r.meanMacroF1 > best.meanMacroF1) best = r;
  }
  return best;
}

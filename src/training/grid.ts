/*
 * LEGACY: the fixed grid of the first tuning implementation, still served to continuousTraining
 * runs whose history predates the budgeted search (patched('budgeted-search')). New runs use
 * search-space.ts and halving.ts. Remove once no such run can still be open.
 */
import { createRng, shuffleInPlace, type NaiveBayesVariant, type TrainingConfig, type TrainingConfigOverrides } from '../model';

/** The hyperparameters the search varies; everything else stays as the request configured it. */
export interface GridAxes {
  alpha: number[];
  ngramRange: Array<[number, number]>;
  minDf: number[];
  maxFeatures: Array<number | null>;
  variant: NaiveBayesVariant[];
}

/**
 * Around the engine's defaults. Alpha spans three decades because with TF-IDF rows (l2, values
 * summing to about 1) it is the knob that matters most (sklearn's alpha=1 costs 10 points on
 * SpamAssassin); bigrams and minDf trade rare phrases against noise; maxFeatures bounds model size
 * (never unbounded here: on millions of documents that is millions of terms); complement NB helps
 * when classes are unbalanced. 216 points; `tuningBudget` decides how many are tried.
 */
export const DEFAULT_GRID: Readonly<GridAxes> = Object.freeze<GridAxes>({
  alpha: [0.003, 0.01, 0.03, 0.1, 0.3, 1],
  ngramRange: [
    [1, 1],
    [1, 2],
  ],
  minDf: [1, 2, 3],
  maxFeatures: [200_000, 50_000, 10_000],
  variant: ['multinomial', 'complement'],
});

export interface GridPoint {
  /** Readable and unique within a grid, e.g. `multinomial alpha=0.1 ngram=1-2 minDf=2 maxFeatures=all`. */
  id: string;
  /** Applied on top of the request's config overrides; `{}` is the request's own config. */
  overrides: TrainingConfigOverrides;
}

interface Values {
  alpha: number;
  ngramRange: [number, number];
  minDf: number;
  maxFeatures: number | null;
  variant: NaiveBayesVariant;
}

function pointId(v: Values): string {
  return `${v.variant} alpha=${v.alpha} ngram=${v.ngramRange[0]}-${v.ngramRange[1]} minDf=${v.minDf} maxFeatures=${v.maxFeatures ?? 'all'}`;
}

function toPoint(v: Values): GridPoint {
  return {
    id: pointId(v),
    overrides: {
      vectorizer: { ngramRange: [v.ngramRange[0], v.ngramRange[1]], minDf: v.minDf, maxFeatures: v.maxFeatures },
      classifier: { variant: v.variant, alpha: v.alpha },
    },
  };
}

/** The full cartesian product, in a fixed order (variant slowest, alpha fastest). */
export function gridPoints(axes: GridAxes = DEFAULT_GRID): GridPoint[] {
  const points: GridPoint[] = [];
  for (const variant of axes.variant)
    for (const maxFeatures of axes.maxFeatures)
      for (const minDf of axes.minDf)
        for (const ngramRange of axes.ngramRange)
          for (const alpha of axes.alpha) points.push(toPoint({ variant, maxFeatures, minDf, ngramRange, alpha }));
  return points;
}

/**
 * The configurations to cross-validate: the request's own config first (so tuning can only match
 * or beat not tuning, on the folds), then `budget - 1` grid points in a seeded random order.
 * Random search over the grid rather than its first corner: with a small budget it still covers
 * every axis. Deterministic for a seed, so a replayed or retried run tries the same set.
 */
export function tuningCandidates(budget: number, seed: number, base: TrainingConfig, axes: GridAxes = DEFAULT_GRID): GridPoint[] {
  if (!(Number.isInteger(budget) && budget >= 1)) throw new RangeError(`tuningBudget must be an integer >= 1, got ${budget}`);
  const baseId = pointId({
    alpha: (base.classifier as { alpha: number }).alpha,
    ngramRange: base.vectorizer.ngramRange,
    minDf: base.vectorizer.minDf,
    maxFeatures: base.vectorizer.maxFeatures,
    variant: base.classifier.variant as NaiveBayesVariant,
  });
  const others = shuffleInPlace(
    gridPoints(axes).filter((p) => p.id !== baseId),
    createRng(seed),
  );
  return [{ id: baseId, overrides: {} }, ...others.slice(0, budget - 1)];
}

/** Request overrides with a grid point's on top, section by section (what fitCandidate receives). */
export function mergeOverrides(request: TrainingConfigOverrides, point: TrainingConfigOverrides): TrainingConfigOverrides {
  const merged: TrainingConfigOverrides = { ...request };
  if (point.text) merged.text = { ...request.text, ...point.text };
  if (point.features) merged.features = point.features;
  if (point.vectorizer) merged.vectorizer = { ...request.vectorizer, ...point.vectorizer };
  if (point.classifier) merged.classifier = { ...request.classifier, ...point.classifier };
  return merged;
}

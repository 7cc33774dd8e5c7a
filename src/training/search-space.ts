import {
  createRng,
  DEFAULT_TRAINING_CONFIG,
  sameFamily,
  resolveTrainingConfig,
  type ClassifierOverrides,
  type ClassifierVariant,
  type NormKind,
  type TrainingConfig,
  type TrainingConfigOverrides,
} from '../model';
import type { FeatureKind } from '../text';

/**
 * The hyperparameters the search varies, per axis the values it draws from. Everything else stays
 * as the request configured it (language, negations, idf, maxDf...).
 *
 *  - family and variant: naive Bayes (multinomial, complement), logistic regression, linear SVM;
 *  - features: stems (stemming on, stopwords removed), tokensNoStop (stemming off), tokens (stemming
 *    off, stopwords kept). Stemming with stopwords kept is not offered: scoring reads the processed
 *    record's columns, and `stems` there are the stems of tokensNoStop;
 *  - n-gram range, minDf, maxFeatures (never unbounded: on millions of documents that is millions
 *    of terms), sublinear tf and row norm;
 *  - alpha for naive Bayes (three decades: with l2 rows it is the knob that matters most), C for
 *    logistic regression, alpha for the SVM.
 */
export interface SearchSpace {
  variant: ClassifierVariant[];
  features: FeatureKind[];
  ngramRange: Array<[number, number]>;
  minDf: number[];
  maxFeatures: number[];
  sublinearTf: boolean[];
  norm: NormKind[];
  naiveBayesAlpha: number[];
  logisticC: number[];
  svmAlpha: number[];
}

export const DEFAULT_SEARCH_SPACE: Readonly<SearchSpace> = Object.freeze<SearchSpace>({
  variant: ['multinomial', 'complement', 'logistic', 'svm'],
  features: ['stems', 'tokensNoStop', 'tokens'],
  ngramRange: [
    [1, 1],
    [1, 2],
    [1, 3],
  ],
  minDf: [1, 2, 3, 5],
  maxFeatures: [20_000, 50_000, 100_000, 200_000],
  sublinearTf: [true, false],
  norm: ['l2', 'l1', 'none'],
  naiveBayesAlpha: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1],
  logisticC: [0.3, 1, 3, 10, 30, 100],
  svmAlpha: [1e-6, 3e-6, 1e-5, 3e-5, 1e-4],
});

export interface SearchCandidate {
  /** Readable and unique within a plan, e.g. `logistic C=10 stems ngram=1-2 minDf=2 max=50000 sublinear l2`. */
  id: string;
  /** What the search changed: applied on top of the request's overrides; `{}` is the request's own config. */
  overrides: TrainingConfigOverrides;
}

function pick<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)];
}

/** The id of a resolved config: the searched axes only. */
export function candidateId(config: TrainingConfig): string {
  const c = config.classifier;
  const v = config.vectorizer;
  const knob = c.variant === 'logistic' ? `C=${c.C}` : `alpha=${c.alpha}`;
  return [
    c.variant,
    knob,
    config.features,
    `ngram=${v.ngramRange[0]}-${v.ngramRange[1]}`,
    `minDf=${v.minDf}`,
    `max=${v.maxFeatures ?? 'all'}`,
    v.sublinearTf ? 'sublinear' : 'raw-tf',
    v.norm,
  ].join(' ');
}

/**
 * A seeded random draw of `count` distinct configurations: the request's own config first (so the
 * search can only match or beat not searching, on the folds), then random points of the space.
 * Linear models always get l2 or l1 rows: their learning rate and regularisation assume rows of
 * bounded norm. Deterministic for a seed, so a retried planning activity draws the same plan.
 */
export function sampleCandidates(
  count: number,
  seed: number,
  request: TrainingConfigOverrides,
  space: Readonly<SearchSpace> = DEFAULT_SEARCH_SPACE,
): SearchCandidate[] {
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`the search needs at least one candidate, got ${count}`);
  const base = resolveTrainingConfig(request);
  const candidates: SearchCandidate[] = [{ id: candidateId(base), overrides: {} }];
  const seen = new Set(candidates.map((c) => c.id));
  const random = createRng(seed ^ 0x5ea2c4);
  // Give up on distinctness after many misses (a tiny space).
  for (let attempts = 0; candidates.length < count && attempts < count * 50; attempts++) {
    const variant = pick(space.variant, random);
    const linear = variant === 'logistic' || variant === 'svm';
    const classifier: ClassifierOverrides =
      variant === 'logistic'
        ? { variant, C: pick(space.logisticC, random) }
        : variant === 'svm'
          ? { variant, alpha: pick(space.svmAlpha, random) }
          : { variant, alpha: pick(space.naiveBayesAlpha, random) };
    const norms = linear ? space.norm.filter((n) => n !== 'none') : space.norm;
    const overrides: TrainingConfigOverrides = {
      features: pick(space.features, random),
      vectorizer: {
        ngramRange: [...pick(space.ngramRange, random)] as [number, number],
        minDf: pick(space.minDf, random),
        maxFeatures: pick(space.maxFeatures, random),
        sublinearTf: pick(space.sublinearTf, random),
        norm: pick(norms.length > 0 ? norms : ['l2'], random),
      },
      classifier,
    };
    const id = candidateId(resolveTrainingConfig(mergeOverrides(request, overrides)));
    if (seen.has(id)) continue;
    seen.add(id);
    candidates.push({ id, overrides });
  }
  return candidates;
}

/**
 * Request overrides with a candidate's on top, section by section (what the fit receives). A
 * candidate that switches the classifier family replaces the request's classifier options.
 */
export function mergeOverrides(request: TrainingConfigOverrides, point: TrainingConfigOverrides): TrainingConfigOverrides {
  const merged: TrainingConfigOverrides = { ...request };
  if (point.text) merged.text = { ...request.text, ...point.text };
  if (point.features) merged.features = point.features;
  if (point.vectorizer) merged.vectorizer = { ...request.vectorizer, ...point.vectorizer };
  if (point.classifier) {
    const requested = request.classifier?.variant ?? DEFAULT_TRAINING_CONFIG.classifier.variant;
    const same = sameFamily(requested, point.classifier.variant ?? requested);
    merged.classifier = (same ? { ...request.classifier, ...point.classifier } : { ...point.classifier }) as ClassifierOverrides;
  }
  return merged;
}

import { alignCategories, chiSquareHomogeneity, jensenShannonDistance, populationStabilityIndex, type ChiSquareResult } from './divergence';
import { binLabels, histogramTotal, sameCuts, type HistogramV1 } from './histogram';
import { confusionMetrics, oovRate, qualityRates, type DatasetStatisticsV1 } from './statistics';

export const BASELINE_SCHEMA_VERSION = 1;

/**
 * `models/<name>/<version>/baseline.json`: what an in-distribution batch scored by this version
 * looks like. `training` describes the rows the model was fitted on (class mix, lengths,
 * sentiment, vocabulary, quality); `reference` describes rows the model scored, preferably its
 * held-out test rows (prediction mix, confidence, OOV against the training vocabulary, confusion).
 */
export interface BaselineV1 {
  schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  modelName: string;
  modelVersion: string;
  createdAt: string;
  training: { keys: string[]; statistics: DatasetStatisticsV1 };
  reference: { source: 'held-out' | 'training'; keys: string[]; statistics: DatasetStatisticsV1 };
}

export type DistributionName = 'predictedClassMix' | 'textLength' | 'tokenCount' | 'sentiment' | 'confidence';
export type RateName = 'oovRate' | 'emptyRate' | 'duplicateRate' | 'unreadableRate';
export type PerformanceName = 'accuracy' | 'macroF1';
export type StatisticName = DistributionName | RateName | PerformanceName;

export const DISTRIBUTIONS: readonly DistributionName[] = ['predictedClassMix', 'textLength', 'tokenCount', 'sentiment', 'confidence'];

export interface DistributionComparisonV1 {
  name: DistributionName;
  kind: 'distribution';
  bins: string[];
  /** Counts per bin. */
  baseline: number[];
  window: number[];
  baselineN: number;
  windowN: number;
  /** Null when either side is empty. */
  psi: number | null;
  jsDistance: number | null;
  chiSquare: ChiSquareResult | null;
}

export interface RateComparisonV1 {
  name: RateName;
  kind: 'rate';
  baseline: number | null;
  window: number | null;
  /** window - baseline (absolute). */
  change: number | null;
  windowN: number;
}

export interface PerformanceComparisonV1 {
  name: PerformanceName;
  kind: 'performance';
  /** The model's recorded figure (metrics.json evaluation, or its held-out reference). */
  reference: number | null;
  window: number | null;
  /** reference - window (absolute). */
  drop: number | null;
  labelled: number;
  referenceSource: string;
}

export type StatisticComparisonV1 = DistributionComparisonV1 | RateComparisonV1 | PerformanceComparisonV1;

export interface ReferencePerformance {
  accuracy: number;
  macroF1: number;
  /** Where the figures come from, e.g. `models/m/v3/metrics.json`. */
  source: string;
}

function distribution(name: DistributionName, bins: string[], baseline: number[], window: number[]): DistributionComparisonV1 {
  const baselineN = baseline.reduce((s, n) => s + n, 0);
  const windowN = window.reduce((s, n) => s + n, 0);
  const comparable = baselineN > 0 && windowN > 0;
  return {
    name,
    kind: 'distribution',
    bins,
    baseline,
    window,
    baselineN,
    windowN,
    psi: comparable ? populationStabilityIndex(baseline, window) : null,
    jsDistance: comparable ? jensenShannonDistance(baseline, window) : null,
    chiSquare: comparable ? chiSquareHomogeneity(baseline, window) : null,
  };
}

function histogramComparison(
  name: DistributionName,
  baseline: HistogramV1 | undefined,
  window: HistogramV1 | undefined,
  fallbackCuts: readonly number[],
): DistributionComparisonV1 {
  const cuts = baseline?.cuts ?? window?.cuts ?? [...fallbackCuts];
  if (baseline && window && !sameCuts(baseline.cuts, window.cuts)) {
    throw new RangeError(`${name}: baseline and window were binned with different cuts; recompute the baseline`);
  }
  const empty = new Array<number>(cuts.length + 1).fill(0);
  return distribution(name, binLabels(cuts), baseline ? [...baseline.counts] : empty, window ? [...window.counts] : [...empty]);
}

function rate(name: RateName, baseline: number | null, window: number | null, windowN: number): RateComparisonV1 {
  return { name, kind: 'rate', baseline, window, change: baseline !== null && window !== null ? window - baseline : null, windowN };
}

/**
 * Every statistic of a window of recent batches against the baseline of the model version that
 * scored them. Pure: the decision about what counts as drift is `assessStatistics` in policy.ts.
 */
export function compareToBaseline(
  baseline: BaselineV1,
  window: DatasetStatisticsV1,
  reference: ReferencePerformance | null,
): StatisticComparisonV1[] {
  const train = baseline.training.statistics;
  const ref = baseline.reference.statistics;
  const classes = alignCategories(ref.predictions?.classes ?? {}, window.predictions?.classes ?? {});
  const zero = (h: HistogramV1 | undefined) => (h && histogramTotal(h) > 0 ? h : undefined);
  const out: StatisticComparisonV1[] = [
    distribution('predictedClassMix', classes.bins, classes.expected, classes.actual),
    histogramComparison('textLength', train.textLength, window.textLength, train.textLength.cuts),
    histogramComparison('tokenCount', train.tokenCount, window.tokenCount, train.tokenCount.cuts),
    histogramComparison('sentiment', train.sentiment, window.sentiment, train.sentiment.cuts),
    histogramComparison(
      'confidence',
      zero(ref.predictions?.confidence),
      zero(window.predictions?.confidence),
      ref.predictions?.confidence.cuts ?? [],
    ),
  ];

  const baseRates = qualityRates(train);
  const windowRates = qualityRates(window);
  const documents = window.documents;
  out.push(
    rate('oovRate', oovRate(ref), oovRate(window), window.oov?.tokens ?? 0),
    rate('emptyRate', train.documents > 0 ? baseRates.empty : null, documents > 0 ? windowRates.empty : null, documents),
    rate('duplicateRate', train.documents > 0 ? baseRates.duplicate : null, documents > 0 ? windowRates.duplicate : null, documents),
    rate(
      'unreadableRate',
      train.quality.inputRows > 0 ? baseRates.unreadable : null,
      window.quality.inputRows > 0 ? windowRates.unreadable : null,
      window.quality.inputRows,
    ),
  );

  const current = window.confusion ? confusionMetrics(window.confusion) : null;
  const labelled = current?.documents ?? 0;
  const source = reference?.source ?? 'none';
  const perf = (name: PerformanceName, ref: number | null, now: number | null): PerformanceComparisonV1 => ({
    name,
    kind: 'performance',
    reference: ref,
    window: now,
    drop: ref !== null && now !== null ? ref - now : null,
    labelled,
    referenceSource: source,
  });
  out.push(
    perf('accuracy', reference?.accuracy ?? null, current && labelled > 0 ? current.accuracy : null),
    perf('macroF1', reference?.macroF1 ?? null, current && labelled > 0 ? current.macroF1 : null),
  );
  return out;
}

/** The reference performance from the baseline's own scored rows, when metrics.json has none. */
export function referencePerformanceFromBaseline(baseline: BaselineV1, source: string): ReferencePerformance | null {
  const c = baseline.reference.statistics.confusion;
  if (!c) return null;
  const m = confusionMetrics(c);
  return m.documents > 0 ? { accuracy: m.accuracy, macroF1: m.macroF1, source } : null;
}

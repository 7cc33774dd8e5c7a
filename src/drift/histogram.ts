/**
 * Fixed-edge histograms. Every dataset (a training set, a shard, a batch, a window of batches) is
 * binned with the same cut points, so histograms merge by adding counts and compare bin by bin.
 *
 * A histogram with cuts c0 < c1 < ... < c(k-1) has k + 1 bins: x < c0, c0 <= x < c1, ...,
 * x >= c(k-1). There is no "out of range": the first and last bins are open-ended.
 */
export interface HistogramV1 {
  cuts: number[];
  counts: number[];
}

function checkCuts(cuts: readonly number[]): void {
  for (let i = 0; i < cuts.length; i++) {
    if (!Number.isFinite(cuts[i])) throw new RangeError(`histogram cut ${i} is not a finite number`);
    if (i > 0 && !(cuts[i] > cuts[i - 1])) throw new RangeError('histogram cuts must be strictly increasing');
  }
}

export function emptyHistogram(cuts: readonly number[]): HistogramV1 {
  checkCuts(cuts);
  return { cuts: [...cuts], counts: new Array<number>(cuts.length + 1).fill(0) };
}

/** The bin a value falls in (binary search over the cuts). NaN goes to the first bin. */
export function binIndex(cuts: readonly number[], x: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x >= cuts[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function addToHistogram(h: HistogramV1, x: number, weight = 1): void {
  h.counts[binIndex(h.cuts, x)] += weight;
}

export function sameCuts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** Exact: the histogram of the union of the two datasets. */
export function mergeHistograms(a: HistogramV1, b: HistogramV1): HistogramV1 {
  if (!sameCuts(a.cuts, b.cuts))
    throw new RangeError(`cannot merge histograms with different cuts (${a.cuts.join(',')} vs ${b.cuts.join(',')})`);
  return { cuts: [...a.cuts], counts: a.counts.map((n, i) => n + b.counts[i]) };
}

export function histogramTotal(h: HistogramV1): number {
  return h.counts.reduce((s, n) => s + n, 0);
}

/** Human-readable bin names for reports: "<1", "[1, 20)", ..., ">=12800". */
export function binLabels(cuts: readonly number[]): string[] {
  if (cuts.length === 0) return ['all'];
  const labels = [`<${cuts[0]}`];
  for (let i = 1; i < cuts.length; i++) labels.push(`[${cuts[i - 1]}, ${cuts[i]})`);
  labels.push(`>=${cuts[cuts.length - 1]}`);
  return labels;
}

/**
 * The project's fixed cut points. Changing one makes old and new statistics incomparable, so the
 * statistics schema version must change with them.
 */
export const CUTS = {
  /** Characters of text_clean; the first bin (<1) holds empty documents. */
  textLength: [1, 20, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12800],
  /** Tokens per document; the first bin (<1) holds empty documents. */
  tokenCount: [1, 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560],
  /** VADER compound in [-1, 1]; [-0.05, 0.05) is VADER's neutral band. */
  sentiment: [-0.95, -0.75, -0.5, -0.25, -0.05, 0.05, 0.25, 0.5, 0.75, 0.95],
  /** The winning class's probability; naive Bayes piles up near 1, hence the fine top bins. */
  confidence: [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999],
} as const;

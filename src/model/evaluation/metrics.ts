export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Documents whose true label is this one. */
  support: number;
}

export interface ClassificationReport {
  labels: string[];
  documents: number;
  accuracy: number;
  macro: { precision: number; recall: number; f1: number };
  perClass: Record<string, ClassMetrics>;
  /** confusionMatrix[i][j]: documents of true label labels[i] predicted as labels[j]. */
  confusionMatrix: number[][];
  /** Present when probabilities were given. */
  logLoss?: number;
}

function ratio(numerator: number, denominator: number): number {
  // sklearn's zero_division=0 (its default warns and returns 0).
  return denominator === 0 ? 0 : numerator / denominator;
}

export function confusionMatrix(yTrue: readonly string[], yPred: readonly string[], labels: readonly string[]): number[][] {
  if (yTrue.length !== yPred.length) throw new RangeError(`${yTrue.length} true labels but ${yPred.length} predictions`);
  const index = new Map(labels.map((label, i) => [label, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let n = 0; n < yTrue.length; n++) {
    const i = index.get(yTrue[n]);
    const j = index.get(yPred[n]);
    if (i === undefined || j === undefined)
      throw new RangeError(`label ${JSON.stringify(i === undefined ? yTrue[n] : yPred[n])} is not in the label list`);
    matrix[i][j]++;
  }
  return matrix;
}

/**
 * Mean negative log probability of the true label (natural log), with the probability clipped to
 * [eps, 1 - eps] as in sklearn 1.9's log_loss, so one confident mistake stays finite.
 */
export function logLoss(yTrue: readonly string[], probabilities: readonly Record<string, number>[], labels: readonly string[]): number {
  if (yTrue.length !== probabilities.length)
    throw new RangeError(`${yTrue.length} true labels but ${probabilities.length} probability rows`);
  if (yTrue.length === 0) throw new RangeError('log loss of zero documents');
  const eps = Number.EPSILON;
  let total = 0;
  for (let n = 0; n < yTrue.length; n++) {
    if (!labels.includes(yTrue[n])) throw new RangeError(`label ${JSON.stringify(yTrue[n])} is not in the label list`);
    total -= Math.log(Math.min(1 - eps, Math.max(eps, probabilities[n][yTrue[n]] ?? 0)));
  }
  return total / yTrue.length;
}

/**
 * Accuracy, per-label and macro-averaged precision / recall / F1 and the confusion matrix. Labels
 * default to the sorted union of true and predicted labels.
 */
export function classificationReport(
  yTrue: readonly string[],
  yPred: readonly string[],
  options: { labels?: readonly string[]; probabilities?: readonly Record<string, number>[] } = {},
): ClassificationReport {
  const labels = [...(options.labels ?? [...new Set([...yTrue, ...yPred])].sort())];
  const matrix = confusionMatrix(yTrue, yPred, labels);
  let correct = 0;
  const perClass: Record<string, ClassMetrics> = {};
  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  labels.forEach((label, i) => {
    const truePositives = matrix[i][i];
    correct += truePositives;
    const support = matrix[i].reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((a, row) => a + row[i], 0);
    const precision = ratio(truePositives, predicted);
    const recall = ratio(truePositives, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perClass[label] = { precision, recall, f1, support };
    precisionSum += precision;
    recallSum += recall;
    f1Sum += f1;
  });
  const k = labels.length;
  const report: ClassificationReport = {
    labels,
    documents: yTrue.length,
    accuracy: ratio(correct, yTrue.length),
    macro: { precision: ratio(precisionSum, k), recall: ratio(recallSum, k), f1: ratio(f1Sum, k) },
    perClass,
    confusionMatrix: matrix,
  };
  if (options.probabilities) report.logLoss = logLoss(yTrue, options.probabilities, labels);
  return report;
}

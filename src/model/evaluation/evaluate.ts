import type { TrainingConfig } from '../config';
import type { LabelledDoc } from '../features';
import type { TextClassifier } from '../text-classifier';
import { trainModel } from '../train';
import { classificationReport, type ClassificationReport } from './metrics';
import { stratifiedKFold } from './split';

/** Scores labelled documents and reports every metric, log loss included. */
export function evaluateClassifier(classifier: TextClassifier, docs: readonly LabelledDoc[]): ClassificationReport {
  const predicted: string[] = [];
  const probabilities: Record<string, number>[] = [];
  for (const doc of docs) {
    const prediction = classifier.predict(doc.features);
    predicted.push(prediction.label);
    probabilities.push(prediction.probabilities);
  }
  const truth = docs.map((doc) => doc.label);
  const labels = [...new Set([...classifier.labels, ...truth])].sort();
  return classificationReport(truth, predicted, { labels, probabilities });
}

export interface CrossValidationResult {
  folds: ClassificationReport[];
  meanAccuracy: number;
  meanMacroF1: number;
}

/** Stratified k-fold cross-validation of a training config on in-memory documents. */
export async function crossValidate(
  docs: readonly LabelledDoc[],
  config: TrainingConfig,
  folds: number,
  seed: number,
): Promise<CrossValidationResult> {
  const reports: ClassificationReport[] = [];
  for (const { train, test } of stratifiedKFold(
    docs.map((doc) => doc.label),
    folds,
    seed,
  )) {
    const { classifier } = await trainModel(() => [train.map((i) => docs[i])], config);
    reports.push(
      evaluateClassifier(
        classifier,
        test.map((i) => docs[i]),
      ),
    );
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    folds: reports,
    meanAccuracy: mean(reports.map((r) => r.accuracy)),
    meanMacroF1: mean(reports.map((r) => r.macro.f1)),
  };
}

import type { TextClassifier } from '../model';
import type { ProcessedRecord, ResultRecord } from '../pipeline/records';

const featureFields = {
  stems: 'stems',
  tokensNoStop: 'tokens_nostop',
  tokens: 'tokens',
} as const satisfies Record<string, keyof ProcessedRecord>;

/**
 * Scores cleaned records with a classifier. Pure and synchronous: the in-worker activity, the local
 * process runner and the AWS Batch entrypoint all call this, so they cannot disagree.
 */
export function scoreRecords(
  records: readonly ProcessedRecord[],
  classifier: TextClassifier,
  modelVersion: string,
): { results: ResultRecord[]; predictedCounts: Record<string, number> } {
  const field = featureFields[classifier.config.features as keyof typeof featureFields];
  const predictedCounts: Record<string, number> = {};
  const results: ResultRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const prediction = classifier.predict(record[field]);
    predictedCounts[prediction.label] = (predictedCounts[prediction.label] ?? 0) + 1;
    results[i] = {
      id: record.id,
      source: record.source,
      label: record.label,
      predictedLabel: prediction.label,
      probabilities: prediction.probabilities,
      sentiment: record.sentiment,
      modelVersion,
    };
  }
  return { results, predictedCounts };
}

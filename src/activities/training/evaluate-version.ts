import type { MetricSummaryV1 } from '../../contracts/continuous-training';
import { evaluateClassifier, type LabelledDoc, type ModelRegistry } from '../../model';
import type { ObjectStore } from '../../storage/object-store';
import { summarize } from '../../training/metric-summary';
import { featurizedShards } from './training-shards';

/** Scores a stored version (the champion) on the challenger's held-out set: same rows, fair fight. */
export function createEvaluateVersion(store: ObjectStore, registry: ModelRegistry) {
  return async function evaluateVersion(input: { modelName: string; version: string; testKeys: string[] }): Promise<MetricSummaryV1> {
    const classifier = await registry.load(input.modelName, input.version);
    const test: LabelledDoc[] = [];
    for await (const shard of featurizedShards(store, input.testKeys, classifier.config)) test.push(...shard);
    return summarize(evaluateClassifier(classifier, test));
  };
}

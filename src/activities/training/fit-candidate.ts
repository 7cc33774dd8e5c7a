import { ApplicationFailure, Context } from '@temporalio/activity';
import { trainingFailureTypes } from '../../contracts/continuous-training';
import {
  classificationReport,
  evaluateClassifier,
  resolveTrainingConfig,
  trainModel,
  type LabelledDoc,
  type ModelRegistry,
  type TrainingConfig,
  type TrainingConfigOverrides,
} from '../../model';
import type { ObjectStore } from '../../storage/object-store';
import { summarize } from '../../training/metric-summary';
import { featurizedShards } from './training-shards';
import type { FitCandidateInput, FitCandidateOutput } from './types';

/**
 * Fits a challenger by streaming over the training shards (two passes, memory bounded by the
 * vocabulary, not the row count), evaluates it on the held-out shards and saves it as a new,
 * not yet promoted, version. Training is deterministic, so an attempt retried after a worker crash
 * produces the same model; heartbeats carry the pass and shard reached.
 */
export function createFitCandidate(store: ObjectStore, registry: ModelRegistry) {
  return async function fitCandidate(input: FitCandidateInput): Promise<FitCandidateOutput> {
    const config = parseConfig(input.config);
    let pass = 0;
    const heartbeat = (shard: number) => Context.current().heartbeat({ pass, shard });
    const { classifier, stats } = await trainModel(() => {
      pass++;
      return featurizedShards(store, input.trainKeys, config, heartbeat);
    }, config).catch((err: Error) => {
      throw ApplicationFailure.create({ type: trainingFailureTypes.noTrainingData, nonRetryable: true, message: err.message });
    });
    if (stats.documents > 0 && Object.keys(stats.labelCounts).length < 2) {
      throw ApplicationFailure.create({
        type: trainingFailureTypes.singleClass,
        nonRetryable: true,
        message: `training data has a single label (${Object.keys(stats.labelCounts)[0]}); a classifier needs at least two`,
      });
    }

    const test: LabelledDoc[] = [];
    for await (const shard of featurizedShards(store, input.testKeys, config)) test.push(...shard);
    const report = evaluateClassifier(classifier, test);
    const majority = Object.entries(stats.labelCounts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
    const truth = test.map((d) => d.label);
    const baselineReport = classificationReport(
      truth,
      truth.map(() => majority),
      { labels: [...new Set([...classifier.labels, ...truth])].sort() },
    );

    const { version } = await registry.saveVersion(input.modelName, classifier.toArtifacts(), {
      evaluation: report,
      majorityBaseline: { label: majority, accuracy: baselineReport.accuracy, macroF1: baselineReport.macro.f1 },
      training: stats,
      provenance: input.provenance,
      savedAt: new Date().toISOString(),
    });
    return { modelVersion: version, trainRows: stats.documents, metrics: summarize(report), baseline: summarize(baselineReport) };
  };
}

export function parseConfig(overrides: Record<string, unknown> | undefined): TrainingConfig {
  try {
    return resolveTrainingConfig((overrides ?? {}) as TrainingConfigOverrides);
  } catch (err) {
    throw ApplicationFailure.create({ type: trainingFailureTypes.invalidConfig, nonRetryable: true, message: (err as Error).message });
  }
}

import { ApplicationFailure, Context } from '@temporalio/activity';
import { driftFailureTypes } from '../../contracts/drift-correction';
import {
  compareToBaseline,
  confusionMetrics,
  driftKeys,
  mergeStatistics,
  referencePerformanceFromBaseline,
  STATISTICS_SCHEMA_VERSION,
  type BaselineV1,
  type DatasetStatisticsV1,
  type ReferencePerformance,
} from '../../drift';
import type { ModelRegistry } from '../../model';
import type { ObjectStore } from '../../storage/object-store';
import { readJsonObject, requireJsonObject } from './json-object';
import type {
  BatchIndexV1,
  BatchStatisticsDocumentV1,
  BatchStatisticsDocumentV2,
  CollectDriftWindowInput,
  CollectDriftWindowOutput,
  CompareDriftWindowInput,
  CompareDriftWindowOutput,
} from './types';

/**
 * The window: the last `window` batches in the model's index scored by one version (by default
 * the version that scored the most recent batch), so that they compare against one baseline.
 */
export function createCollectDriftWindow(store: ObjectStore) {
  return async function collectDriftWindow(input: CollectDriftWindowInput): Promise<CollectDriftWindowOutput> {
    const index = await readJsonObject<BatchIndexV1>(store, driftKeys.batchIndex(input.modelName));
    const batches = index?.batches ?? [];
    const modelVersion = input.modelVersion ?? batches[batches.length - 1]?.modelVersion ?? null;
    if (modelVersion === null) return { modelVersion: null, batches: [] };
    const selected = batches.filter((b) => b.modelVersion === modelVersion).slice(-input.window);
    return { modelVersion, batches: selected.map((b) => ({ batchId: b.batchId, statisticsKey: b.statisticsKey, documents: b.documents })) };
  };
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: driftFailureTypes.invalidStatistics, nonRetryable: true, message });
}

/** metrics.json's evaluation (accuracy, macro F1) when recorded, else the baseline's held-out scoring. */
async function referencePerformance(
  store: ObjectStore,
  registry: ModelRegistry,
  baseline: BaselineV1,
  modelName: string,
  modelVersion: string,
): Promise<ReferencePerformance | null> {
  const metricsKey = registry.versionKeys(modelName, modelVersion).metrics;
  const metrics = await readJsonObject<{ evaluation?: { accuracy?: unknown; macro?: { f1?: unknown } } }>(store, metricsKey);
  const accuracy = metrics?.evaluation?.accuracy;
  const macroF1 = metrics?.evaluation?.macro?.f1;
  if (typeof accuracy === 'number' && typeof macroF1 === 'number') return { accuracy, macroF1, source: metricsKey };
  return referencePerformanceFromBaseline(baseline, `${driftKeys.baseline(modelName, modelVersion)} (reference rows)`);
}

/** Merges the window's batch statistics and compares them with the baseline (figures only). */
export function createCompareDriftWindow(store: ObjectStore, registry: ModelRegistry) {
  return async function compareDriftWindow(input: CompareDriftWindowInput): Promise<CompareDriftWindowOutput> {
    const baseline = await requireJsonObject<BaselineV1>(store, input.baselineKey, 'baseline');
    if (baseline.schemaVersion !== 1 || baseline.training?.statistics?.schemaVersion !== STATISTICS_SCHEMA_VERSION) {
      throw invalid(`${input.baselineKey} has an unsupported schema; recompute it with computeBaseline`);
    }
    let window: DatasetStatisticsV1 | undefined;
    for (const key of input.statisticsKeys) {
      const document = await requireJsonObject<BatchStatisticsDocumentV1 | BatchStatisticsDocumentV2>(store, key, 'batch statistics');
      if (document.modelVersion !== input.modelVersion)
        throw invalid(`${key} was scored by ${document.modelVersion}, not ${input.modelVersion}`);
      let statistics = document.statistics;
      // OOV counts only add up against this baseline's vocabulary.
      if (statistics.oov && statistics.oov.vocabularyKey !== input.baselineKey) statistics = { ...statistics, oov: null };
      try {
        window = window ? mergeStatistics(window, statistics) : statistics;
      } catch (err) {
        throw invalid(`${key}: ${(err as Error).message}`);
      }
      Context.current().heartbeat({ merged: key });
    }
    if (!window) throw invalid('the drift window has no batches');
    const reference = await referencePerformance(store, registry, baseline, input.modelName, input.modelVersion);
    let statistics;
    try {
      statistics = compareToBaseline(baseline, window, reference);
    } catch (err) {
      throw invalid((err as Error).message);
    }
    return {
      statistics,
      documents: window.documents,
      labelled: window.confusion ? confusionMetrics(window.confusion).documents : 0,
    };
  };
}

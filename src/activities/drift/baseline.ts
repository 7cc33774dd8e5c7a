import { ApplicationFailure, Context } from '@temporalio/activity';
import { driftFailureTypes } from '../../contracts/drift-correction';
import { BASELINE_SCHEMA_VERSION, driftKeys, StatisticsAccumulator, type BaselineV1 } from '../../drift';
import type { ModelRegistry } from '../../model';
import { parseJsonl } from '../../pipeline/jsonl';
import { ObjectNotFoundError, PreconditionFailedError, type ObjectStore } from '../../storage/object-store';
import { cleanDocument, cleanedFeatures } from '../../text';
import { readJsonObject } from './json-object';
import type { ComputeBaselineInput, EnsureBaselineOutput } from './types';

/** A training-set row as assembleTrainingSet writes it. */
interface TrainingRowLike {
  title?: string;
  body: string;
  label: string | null;
}

export interface BaselineOptions {
  /** Training terms kept (by document frequency); also the vocabulary OOV is measured against. */
  vocabularyLimit: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = { vocabularyLimit: 50_000 };

function heartbeat(details: unknown): void {
  Context.current().heartbeat(details);
}

async function* rowsOf(store: ObjectStore, keys: readonly string[]): AsyncGenerator<{ key: string; rows: TrainingRowLike[] }> {
  for (const key of keys) yield { key, rows: parseJsonl<TrainingRowLike>(await store.get(key), key) };
}

/** The `test-*` shards written next to a training run's `train-*` shards. */
async function siblingTestKeys(store: ObjectStore, trainKeys: readonly string[]): Promise<string[]> {
  if (trainKeys.length === 0) return [];
  const folder = trainKeys[0].slice(0, trainKeys[0].lastIndexOf('/') + 1);
  const keys: string[] = [];
  for await (const object of store.list(`${folder}test-`)) if (object.key.endsWith('.jsonl')) keys.push(object.key);
  return keys;
}

/**
 * Builds a version's baseline: one pass over the training rows (cleaned with the model's own text
 * options, as its batches are) for the data statistics and vocabulary, then one pass over the
 * held-out rows, scored by the model, for the prediction mix, confidence and OOV reference.
 */
export async function buildBaseline(
  store: ObjectStore,
  registry: ModelRegistry,
  input: ComputeBaselineInput,
  options: BaselineOptions,
): Promise<BaselineV1> {
  const classifier = await registry.load(input.modelName, input.version);
  const text = classifier.config.text;
  const key = driftKeys.baseline(input.modelName, input.version);

  const training = new StatisticsAccumulator({ vocabularyLimit: options.vocabularyLimit });
  let rows = 0;
  for await (const shard of rowsOf(store, input.trainKeys)) {
    for (const row of shard.rows) {
      const clean = cleanDocument({ title: row.title, body: row.body }, text);
      training.addDocument({ label: row.label, textClean: clean.textClean, tokens: clean.tokens, sentiment: clean.sentiment.compound });
      if (++rows % 500 === 0) heartbeat({ phase: 'training', rows });
    }
  }
  const trainingStatistics = training.toStatistics();

  const heldOut = input.testKeys ?? (await siblingTestKeys(store, input.trainKeys));
  const referenceKeys = heldOut.length > 0 ? heldOut : input.trainKeys;
  const vocabulary = new Set(trainingStatistics.vocabulary.top.map(([term]) => term));
  const reference = new StatisticsAccumulator({ vocabularyLimit: 1000, oovVocabulary: { key, terms: vocabulary } });
  rows = 0;
  for await (const shard of rowsOf(store, referenceKeys)) {
    for (const row of shard.rows) {
      const clean = cleanDocument({ title: row.title, body: row.body }, text);
      reference.addDocument({ label: row.label, textClean: clean.textClean, tokens: clean.tokens, sentiment: clean.sentiment.compound });
      const prediction = classifier.predict(cleanedFeatures(clean, classifier.config.features));
      reference.addPrediction({ label: row.label, predictedLabel: prediction.label, probabilities: prediction.probabilities });
      if (++rows % 500 === 0) heartbeat({ phase: 'reference', rows });
    }
  }
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    modelName: input.modelName,
    modelVersion: input.version,
    createdAt: new Date().toISOString(),
    training: { keys: [...input.trainKeys], statistics: trainingStatistics },
    reference: { source: heldOut.length > 0 ? 'held-out' : 'training', keys: referenceKeys, statistics: reference.toStatistics() },
  };
}

/**
 * Writes the baseline once: a baseline is a pure function of immutable inputs, so when a
 * concurrent computation stored it first, theirs is as good as ours.
 */
async function storeBaseline(store: ObjectStore, key: string, baseline: BaselineV1): Promise<void> {
  try {
    await store.put(key, JSON.stringify(baseline), { contentType: 'application/json', ifNoneMatch: true });
  } catch (err) {
    if (!(err instanceof PreconditionFailedError)) throw err;
  }
}

export function createComputeBaseline(store: ObjectStore, registry: ModelRegistry, options: BaselineOptions = DEFAULT_BASELINE_OPTIONS) {
  /** Computes and stores `models/<name>/<version>/baseline.json` (replacing an older one). */
  return async function computeBaseline(input: ComputeBaselineInput): Promise<{ key: string }> {
    if (input.trainKeys.length === 0) {
      throw ApplicationFailure.create({
        type: driftFailureTypes.baselineUnavailable,
        nonRetryable: true,
        message: `no training shards given for ${input.modelName}@${input.version}`,
      });
    }
    const key = driftKeys.baseline(input.modelName, input.version);
    const baseline = await buildBaseline(store, registry, input, options).catch((err) => {
      throw asBaselineFailure(err, input.modelName, input.version);
    });
    await store.put(key, JSON.stringify(baseline), { contentType: 'application/json' });
    return { key };
  };
}

function asBaselineFailure(err: unknown, modelName: string, version: string): unknown {
  if (err instanceof ObjectNotFoundError) {
    return ApplicationFailure.create({
      type: driftFailureTypes.baselineUnavailable,
      nonRetryable: true,
      message: `cannot compute the baseline of ${modelName}@${version}: ${err.message}`,
    });
  }
  if (err instanceof Error && err.name === 'ModelArtifactError') {
    return ApplicationFailure.create({
      type: driftFailureTypes.baselineUnavailable,
      nonRetryable: true,
      message: `cannot load ${modelName}@${version}: ${err.message}`,
    });
  }
  return err;
}

/** The training shards of a version, from its metrics.json provenance (`training/<model>/<runId>/train-*`). */
export async function trainingShardsOf(
  store: ObjectStore,
  registry: ModelRegistry,
  modelName: string,
  version: string,
): Promise<{ runId: string | null; trainKeys: string[] }> {
  const metrics = await readJsonObject<{ provenance?: { runId?: unknown } }>(store, registry.versionKeys(modelName, version).metrics);
  const runId = typeof metrics?.provenance?.runId === 'string' ? metrics.provenance.runId : null;
  if (!runId) return { runId: null, trainKeys: [] };
  const trainKeys: string[] = [];
  for await (const object of store.list(`training/${modelName}/${runId}/train-`))
    if (object.key.endsWith('.jsonl')) trainKeys.push(object.key);
  return { runId, trainKeys };
}

/**
 * The baseline's key, computing it first when the version has none (a model trained before drift
 * detection existed, or whose training run did not call computeBaseline).
 */
export async function ensureBaselineFor(
  store: ObjectStore,
  registry: ModelRegistry,
  modelName: string,
  version: string,
  options: BaselineOptions,
): Promise<EnsureBaselineOutput> {
  const key = driftKeys.baseline(modelName, version);
  if (await store.head(key)) return { key, computed: false };
  const { runId, trainKeys } = await trainingShardsOf(store, registry, modelName, version);
  if (trainKeys.length === 0) {
    throw ApplicationFailure.create({
      type: driftFailureTypes.baselineUnavailable,
      nonRetryable: true,
      message: runId
        ? `${modelName}@${version} has no baseline and its training run ${runId} left no shards under training/${modelName}/${runId}/`
        : `${modelName}@${version} has no baseline and its metrics.json names no training run (provenance.runId)`,
    });
  }
  const baseline = await buildBaseline(store, registry, { modelName, version, trainKeys }, options).catch((err) => {
    throw asBaselineFailure(err, modelName, version);
  });
  await storeBaseline(store, key, baseline);
  return { key, computed: true };
}

export function createEnsureBaseline(store: ObjectStore, registry: ModelRegistry, options: BaselineOptions = DEFAULT_BASELINE_OPTIONS) {
  return async function ensureBaseline(input: { modelName: string; version: string }): Promise<EnsureBaselineOutput> {
    return ensureBaselineFor(store, registry, input.modelName, input.version, options);
  };
}

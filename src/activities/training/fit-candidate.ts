import { ApplicationFailure, Context } from '@temporalio/activity';
import { trainingFailureTypes } from '../../contracts/continuous-training';
import {
  classificationReport,
  isNaiveBayes,
  resolveTrainingConfig,
  type ModelRegistry,
  type TrainedModel,
  type TrainingConfig,
  type TrainingConfigOverrides,
} from '../../model';
import { ObjectNotFoundError, type ObjectStore } from '../../storage/object-store';
import { summarize } from '../../training/metric-summary';
import { CountPass, fitVocabulary, type VocabularyState } from '../../training/resumable-fit';
import { evaluateWithHeartbeats } from './evaluate-with-heartbeats';
import { featurizedShard, featurizedShards, labelShards } from './training-shards';
import type { FitCandidateInput, FitCandidateOutput, FitProgress, FitRecord, RefitCandidateInput, RefitCandidateOutput } from './types';

export interface FitCandidateOptions {
  /**
   * Least time between two checkpoints of the second pass's class sums (k x V float64 each, so
   * not after every shard of a big vocabulary). The vocabulary is always checkpointed. 0: every shard.
   */
  countsCheckpointMs?: number;
}

const DEFAULT_COUNTS_CHECKPOINT_MS = 30_000;

/**
 * Fits a challenger by streaming over the training shards twice (memory bounded by the
 * vocabulary for naive Bayes; a linear model also holds its TF-IDF rows), evaluates it on the
 * held-out shards and saves it as a new, not yet promoted, version.
 *
 * Resumable: after the first pass the vocabulary is written to the store, and during a naive
 * Bayes second pass the class sums every `countsCheckpointMs`; the keys go into the heartbeat
 * details. An attempt retried after a worker crash reads them from `heartbeatDetails` and
 * continues from the last checkpoint, so a crash costs at most one checkpoint interval of work
 * (a linear model resumes from the vocabulary). Everything is deterministic (trainedAt included,
 * fixed by the first pass), so the model equals an uninterrupted run's. Checkpoints live under the
 * run's training folder and are deleted once the version is saved.
 */
export function createFitCandidate(store: ObjectStore, registry: ModelRegistry, options: FitCandidateOptions = {}) {
  const checkpointEvery = options.countsCheckpointMs ?? DEFAULT_COUNTS_CHECKPOINT_MS;

  return async function fitCandidate(input: FitCandidateInput): Promise<FitCandidateOutput> {
    const ctx = Context.current();
    const prior = ctx.info.heartbeatDetails as FitProgress | undefined;
    if (prior?.stage === 'saved' && prior.output) return prior.output as FitCandidateOutput; // saved, but the completion was lost

    const config = parseConfig(input.config);
    const folder = `training/${input.modelName}/${input.runId}/fit-${ctx.info.activityId}`;
    const { trained, fit, progress, beat } = await resumableFit(store, config, input.trainKeys, folder, checkpointEvery);
    const { classifier, stats } = trained;

    progress.stage = 'evaluating';
    beat();
    // Heartbeats per shard read and per chunk predicted: the held-out set can be large.
    const { report, truth } = await evaluateWithHeartbeats(store, classifier, input.testKeys, () => beat());
    const majority = Object.entries(stats.labelCounts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
    const baselineReport = classificationReport(
      truth,
      truth.map(() => majority),
      { labels: [...new Set([...classifier.labels, ...truth])].sort() },
    );

    const runId = input.runId;
    const { version } = await registry.saveVersion(input.modelName, classifier.toArtifacts(), {
      evaluation: report,
      majorityBaseline: { label: majority, accuracy: baselineReport.accuracy, macroF1: baselineReport.macro.f1 },
      training: stats,
      // Which rows each figure comes from.
      figures: {
        evaluation: { rows: 'held-out', count: truth.length, run: runId, scoredModel: 'this version', scoredModelFittedOn: 'training' },
        majorityBaseline: { rows: 'held-out', count: truth.length, run: runId },
        crossValidation: input.crossValidation ?? null,
        model: { fittedOn: 'training', rows: stats.documents, run: runId },
      },
      config: input.config ?? {},
      fit,
      provenance: input.provenance,
      savedAt: new Date().toISOString(),
    });
    const output: FitCandidateOutput = {
      modelVersion: version,
      trainRows: stats.documents,
      metrics: summarize(report),
      baseline: summarize(baselineReport),
      fit,
    };
    ctx.heartbeat({ ...progress, stage: 'saved', output });
    await deleteFolder(store, folder);
    return output;
  };
}

/**
 * Refits a promoted challenger's configuration on the training and held-out rows together and
 * saves it as a new version. Its metrics.json carries the held-out figures of the version that was
 * evaluated (fitted on the training rows only, never on the held-out rows), says so, and names
 * that version in `refitOf`: evaluating this version later goes through that one, so the next
 * champion/challenger comparison stays fair on the same held-out rows.
 */
export function createRefitCandidate(store: ObjectStore, registry: ModelRegistry, options: FitCandidateOptions = {}) {
  const checkpointEvery = options.countsCheckpointMs ?? DEFAULT_COUNTS_CHECKPOINT_MS;

  return async function refitCandidate(input: RefitCandidateInput): Promise<RefitCandidateOutput> {
    const ctx = Context.current();
    const prior = ctx.info.heartbeatDetails as FitProgress | undefined;
    if (prior?.stage === 'saved' && prior.output) return prior.output as RefitCandidateOutput;

    const config = parseConfig(input.config);
    const keys = [...input.trainKeys, ...input.testKeys];
    const folder = `training/${input.modelName}/${input.runId}/refit-${ctx.info.activityId}`;
    const evaluated = (await registry.metrics(input.modelName, input.evaluatedVersion)) as Record<string, unknown>;
    const { trained, fit, progress } = await resumableFit(store, config, keys, folder, checkpointEvery);
    const { classifier, stats } = trained;
    const evaluatedFigures = (evaluated.figures ?? {}) as Record<string, unknown>;
    const { version } = await registry.saveVersion(input.modelName, classifier.toArtifacts(), {
      // The held-out figures of the fit that never saw the held-out rows: this version has seen them.
      evaluation: evaluated.evaluation,
      majorityBaseline: evaluated.majorityBaseline,
      training: stats,
      refitOf: input.evaluatedVersion,
      figures: {
        evaluation: {
          ...((evaluatedFigures.evaluation as object | undefined) ?? { rows: 'held-out', run: input.runId }),
          scoredModel: input.evaluatedVersion,
          scoredModelFittedOn: 'training',
        },
        majorityBaseline: evaluatedFigures.majorityBaseline ?? null,
        crossValidation: evaluatedFigures.crossValidation ?? null,
        model: { fittedOn: 'training+held-out', rows: stats.documents, run: input.runId },
      },
      config: input.config ?? {},
      fit,
      provenance: { ...input.provenance, refitOf: input.evaluatedVersion },
      savedAt: new Date().toISOString(),
    });
    const output: RefitCandidateOutput = { modelVersion: version, rows: stats.documents, fit };
    ctx.heartbeat({ ...progress, stage: 'saved', output });
    await deleteFolder(store, folder);
    return output;
  };
}

/** The two passes of a fit over `keys`, resuming from the checkpoints named in the heartbeat details. */
async function resumableFit(
  store: ObjectStore,
  config: TrainingConfig,
  keys: readonly string[],
  folder: string,
  checkpointEvery: number,
): Promise<{ trained: TrainedModel; fit: FitRecord; progress: FitProgress; beat: () => void }> {
  const ctx = Context.current();
  const prior = ctx.info.heartbeatDetails as FitProgress | undefined;
  const progress: FitProgress = { stage: 'vocabulary', shard: 0, shards: keys.length };
  const beat = () => ctx.heartbeat({ ...progress, output: undefined });

  // Pass 1, unless an earlier attempt finished it. A checkpoint that is gone (deleted after a save
  // whose completion was lost) just means starting over.
  const savedVocabulary = prior?.vocabularyKey ? await getIfPresent(store, prior.vocabularyKey) : undefined;
  const savedCounts = savedVocabulary && prior?.countsKey && prior.countsShards ? await getIfPresent(store, prior.countsKey) : undefined;
  let vocabulary: VocabularyState;
  if (savedVocabulary) {
    vocabulary = JSON.parse(savedVocabulary.toString('utf8')) as VocabularyState;
    progress.vocabularyKey = prior?.vocabularyKey;
  } else {
    beat();
    const onShard = (i: number) => {
      progress.shard = i + 1;
      beat();
    };
    vocabulary = await fitVocabulary(
      () => featurizedShards(store, keys, config, onShard),
      () => labelShards(store, keys),
      config,
    ).catch((err: Error) => {
      throw err instanceof RangeError
        ? ApplicationFailure.create({ type: trainingFailureTypes.noTrainingData, nonRetryable: true, message: err.message })
        : err;
    });
    progress.vocabularyKey = `${folder}/vocabulary.json`;
    await store.put(progress.vocabularyKey, JSON.stringify(vocabulary), { contentType: 'application/json' });
  }
  if (vocabulary.labels.length < 2) {
    throw ApplicationFailure.create({
      type: trainingFailureTypes.singleClass,
      nonRetryable: true,
      message: `training data has a single label (${vocabulary.labels[0]}); a classifier needs at least two`,
    });
  }

  // Pass 2, from the last checkpoint of the class sums, if any.
  const resume =
    isNaiveBayes(config.classifier) && savedCounts && prior?.countsShards
      ? { shardsDone: prior.countsShards, snapshot: savedCounts }
      : undefined;
  const pass = new CountPass(config, vocabulary, resume);
  progress.stage = 'counts';
  progress.shard = pass.shardsDone;
  if (resume) Object.assign(progress, { countsKey: prior?.countsKey, countsShards: resume.shardsDone });
  beat();
  let lastCheckpoint = Date.now();
  for (let i = pass.shardsDone; i < keys.length; i++) {
    pass.addShard(await featurizedShard(store, keys[i], config));
    progress.shard = i + 1;
    if (pass.checkpointable && i + 1 < keys.length && Date.now() - lastCheckpoint >= checkpointEvery) {
      // A new key per checkpoint: the heartbeat on record always names a complete object.
      const key = `${folder}/counts-${String(i + 1).padStart(5, '0')}.f64`;
      await store.put(key, pass.snapshot(), { contentType: 'application/octet-stream' });
      Object.assign(progress, { countsKey: key, countsShards: i + 1 });
      lastCheckpoint = Date.now();
    }
    beat();
  }
  progress.stage = 'optimising';
  let trained: TrainedModel;
  try {
    trained = await pass.finish(async (step) => {
      progress.step = step;
      beat();
      await new Promise((resolve) => setImmediate(resolve));
    });
  } catch (err) {
    // e.g. an SVM whose calibration folds outnumber a label's rows: bad input, not an outage.
    if (err instanceof RangeError) {
      throw ApplicationFailure.create({ type: trainingFailureTypes.invalidConfig, nonRetryable: true, message: err.message });
    }
    throw err;
  }
  delete progress.step;
  const fit: FitRecord = {
    attempt: ctx.info.attempt,
    resumedFrom: savedVocabulary ? { stage: 'counts' as const, shardsDone: resume?.shardsDone ?? 0 } : null,
    shards: keys.length,
    ...(trained.classifier.config.classifier.variant === 'logistic' || trained.classifier.config.classifier.variant === 'svm'
      ? { optimiser: (trained.classifier.model as { fit: { iterations: number; converged: boolean } }).fit }
      : {}),
  };
  return { trained, fit, progress, beat };
}

/** Checkpoints are only worth keeping while the fit can still be retried. */
async function deleteFolder(store: ObjectStore, folder: string): Promise<void> {
  const leftovers: string[] = [];
  for await (const object of store.list(`${folder}/`)) leftovers.push(object.key);
  await Promise.all(leftovers.map((key) => store.delete(key).catch(() => undefined)));
}

async function getIfPresent(store: ObjectStore, key: string): Promise<Buffer | undefined> {
  try {
    return await store.get(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

export function parseConfig(overrides: Record<string, unknown> | undefined): TrainingConfig {
  try {
    return resolveTrainingConfig((overrides ?? {}) as TrainingConfigOverrides);
  } catch (err) {
    throw ApplicationFailure.create({ type: trainingFailureTypes.invalidConfig, nonRetryable: true, message: (err as Error).message });
  }
}

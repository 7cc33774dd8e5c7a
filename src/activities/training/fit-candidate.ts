import { ApplicationFailure, Context } from '@temporalio/activity';
import { trainingFailureTypes } from '../../contracts/continuous-training';
import {
  classificationReport,
  resolveTrainingConfig,
  type ModelRegistry,
  type TrainingConfig,
  type TrainingConfigOverrides,
} from '../../model';
import { ObjectNotFoundError, type ObjectStore } from '../../storage/object-store';
import { summarize } from '../../training/metric-summary';
import { CountPass, fitVocabulary, type VocabularyState } from '../../training/resumable-fit';
import { evaluateWithHeartbeats } from './evaluate-with-heartbeats';
import { featurizedShard, featurizedShards, labelShards } from './training-shards';
import type { FitCandidateInput, FitCandidateOutput, FitProgress } from './types';

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
 * vocabulary, not the row count), evaluates it on the held-out shards and saves it as a new, not
 * yet promoted, version.
 *
 * Resumable: after the first pass the vocabulary is written to the store, and during the second
 * pass the class sums every `countsCheckpointMs`; the keys go into the heartbeat details. An
 * attempt retried after a worker crash reads them from `heartbeatDetails` and continues from the
 * last checkpoint, so a crash costs at most one checkpoint interval of work. Everything is
 * deterministic (trainedAt included, fixed by the first pass), so the model equals an
 * uninterrupted run's. Checkpoints live under the run's training folder and are deleted once the
 * version is saved.
 */
export function createFitCandidate(store: ObjectStore, registry: ModelRegistry, options: FitCandidateOptions = {}) {
  const checkpointEvery = options.countsCheckpointMs ?? DEFAULT_COUNTS_CHECKPOINT_MS;

  return async function fitCandidate(input: FitCandidateInput): Promise<FitCandidateOutput> {
    const ctx = Context.current();
    const prior = ctx.info.heartbeatDetails as FitProgress | undefined;
    if (prior?.stage === 'saved' && prior.output) return prior.output; // saved, but the completion was lost

    const config = parseConfig(input.config);
    const keys = input.trainKeys;
    const folder = `training/${input.modelName}/${input.runId}/fit-${ctx.info.activityId}`;
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
    const resume = savedCounts && prior?.countsShards ? { shardsDone: prior.countsShards, snapshot: savedCounts } : undefined;
    const pass = new CountPass(config, vocabulary, resume);
    progress.stage = 'counts';
    progress.shard = pass.shardsDone;
    if (resume) Object.assign(progress, { countsKey: prior?.countsKey, countsShards: resume.shardsDone });
    beat();
    let lastCheckpoint = Date.now();
    for (let i = pass.shardsDone; i < keys.length; i++) {
      pass.addShard(await featurizedShard(store, keys[i], config));
      progress.shard = i + 1;
      if (i + 1 < keys.length && Date.now() - lastCheckpoint >= checkpointEvery) {
        // A new key per checkpoint: the heartbeat on record always names a complete object.
        const key = `${folder}/counts-${String(i + 1).padStart(5, '0')}.f64`;
        await store.put(key, pass.snapshot(), { contentType: 'application/octet-stream' });
        Object.assign(progress, { countsKey: key, countsShards: i + 1 });
        lastCheckpoint = Date.now();
      }
      beat();
    }
    const { classifier, stats } = pass.finish();

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

    const fit = {
      attempt: ctx.info.attempt,
      resumedFrom: savedVocabulary ? { stage: 'counts' as const, shardsDone: resume?.shardsDone ?? 0 } : null,
      shards: keys.length,
    };
    const { version } = await registry.saveVersion(input.modelName, classifier.toArtifacts(), {
      evaluation: report,
      majorityBaseline: { label: majority, accuracy: baselineReport.accuracy, macroF1: baselineReport.macro.f1 },
      training: stats,
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

    // Checkpoints are only worth keeping while the fit can still be retried.
    const leftovers: string[] = [];
    for await (const object of store.list(`${folder}/`)) leftovers.push(object.key);
    await Promise.all(leftovers.map((key) => store.delete(key).catch(() => undefined)));
    return output;
  };
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

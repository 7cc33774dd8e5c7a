import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { trainingFailureTypes, type TuningResultV1 } from '../../contracts/continuous-training';
import {
  evaluateClassifier,
  recordFeatures,
  stratifiedKFold,
  trainModel,
  type LabelledDoc,
  type TrainingConfigOverrides,
} from '../../model';
import type { ObjectStore } from '../../storage/object-store';
import { mergeOverrides, tuningCandidates } from '../../training/grid';
import { contentHash, isTestDocument } from '../../training/split-assignment';
import { parseConfig } from './fit-candidate';
import { readShardRows } from './training-shards';
import type { EvaluateConfigurationInput, TuningCandidate } from './types';

/** Decorrelates the tuning sample from the train/test split, which hashes with the plain seed. */
const SAMPLE_SALT = 0x7475_6e65;

/**
 * LEGACY (runs started before the budgeted search, see search.ts): the fixed-grid search's two activities. planTuning picks the configurations (the request's
 * config first, then a seeded sample of the grid); evaluateConfiguration cross-validates one of
 * them, so the workflow can fan them out (bounded) and a failure costs one configuration's retry.
 * Both read the training shards by key: only configurations and scores travel through history.
 */
export function createTuningActivities(store: ObjectStore) {
  return {
    async planTuning(input: { config?: Record<string, unknown>; budget: number; seed: number }): Promise<TuningCandidate[]> {
      const request = (input.config ?? {}) as TrainingConfigOverrides;
      const base = parseConfig(input.config);
      let points;
      try {
        points = tuningCandidates(input.budget, input.seed, base);
      } catch (err) {
        throw ApplicationFailure.create({ type: trainingFailureTypes.invalidConfig, nonRetryable: true, message: (err as Error).message });
      }
      return points.map((p) => {
        const config = mergeOverrides(request, p.overrides) as Record<string, unknown>;
        parseConfig(config); // a grid point the engine rejects is a bug in the grid: fail loudly
        return { id: p.id, overrides: p.overrides as Record<string, unknown>, config };
      });
    },

    /**
     * Stratified k-fold cross-validation of one configuration on the training split (never the
     * held-out rows, which stay for the champion/challenger comparison). Above `maxRows` it uses a
     * sample chosen by content hash: deterministic, streaming, and stratified in expectation.
     */
    async evaluateConfiguration(input: EvaluateConfigurationInput): Promise<TuningResultV1> {
      const ctx = Context.current();
      const config = parseConfig(input.candidate.config);
      const fraction = Math.min(1, input.maxRows / Math.max(1, input.trainRows));
      const docs: LabelledDoc[] = [];
      for (const key of input.trainKeys) {
        for (const row of await readShardRows(store, key)) {
          if (fraction < 1 && !isTestDocument(contentHash(row.title, row.body), row.label, input.seed ^ SAMPLE_SALT, fraction)) continue;
          docs.push({ features: recordFeatures(row, config), label: row.label });
        }
        ctx.heartbeat({ reading: key });
      }
      const result: TuningResultV1 = {
        id: input.candidate.id,
        overrides: input.candidate.overrides,
        meanMacroF1: 0,
        meanAccuracy: 0,
        rows: docs.length,
      };
      if (docs.length < 2 * input.folds) return { ...result, failed: `${docs.length} rows are too few for ${input.folds} folds` };

      // Folds one at a time, yielding between them so heartbeats get out during a long search.
      let f1 = 0;
      let accuracy = 0;
      const folds = stratifiedKFold(
        docs.map((d) => d.label),
        input.folds,
        input.seed,
      );
      for (const [n, { train, test }] of folds.entries()) {
        try {
          const { classifier } = await trainModel(() => [train.map((i) => docs[i])], config);
          const report = evaluateClassifier(
            classifier,
            test.map((i) => docs[i]),
          );
          f1 += report.macro.f1;
          accuracy += report.accuracy;
        } catch (err) {
          // e.g. minDf leaves no terms on this data: the configuration loses, the search goes on.
          if (err instanceof RangeError) return { ...result, failed: err.message };
          throw err;
        }
        ctx.heartbeat({ fold: n + 1 });
        await yieldToEventLoop();
      }
      return { ...result, meanMacroF1: f1 / folds.length, meanAccuracy: accuracy / folds.length };
    },
  };
}

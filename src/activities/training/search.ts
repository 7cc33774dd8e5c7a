import { ApplicationFailure, Context } from '@temporalio/activity';
import { trainingFailureTypes, type TuningResultV1, type TuningSummaryV1 } from '../../contracts/continuous-training';
import { evaluateClassifier, stratifiedKFold, trainModel, type LabelledDoc, type TrainingConfigOverrides } from '../../model';
import { parseJsonl, toJsonl } from '../../pipeline/jsonl';
import type { ObjectStore } from '../../storage/object-store';
import { documentFeatureLists, type FeatureKind } from '../../text';
import { halvingSchedule, meanOfFolds, type Rung } from '../../training/halving';
import { mergeOverrides, sampleCandidates } from '../../training/search-space';
import { contentHash, hashUniform } from '../../training/split-assignment';
import { parseConfig } from './fit-candidate';
import { readShardRows } from './training-shards';

/** Decorrelates the search's sample and rungs from the train/test split, which hashes with the plain seed. */
const SAMPLE_SALT = 0x7475_6e65;
const RUNG_SALT = 0x7275_6e67;
const FEATURE_SHARD_ROWS = 5000;

export interface PlanSearchInput {
  modelName: string;
  runId: string;
  trainKeys: string[];
  trainRows: number;
  /** The request's config overrides (language included). */
  config?: Record<string, unknown>;
  /** Candidates at the first rung. */
  budget: number;
  seed: number;
  folds: number;
  maxRows: number;
  halvingFactor: number;
  minRungRows: number;
}

/** What the workflow needs to drive the search: everything else stays in the plan object. */
export interface SearchPlanSummary {
  planKey: string;
  candidates: number;
  rows: number;
  rungs: Rung[];
}

interface PlanDocument {
  version: 1;
  seed: number;
  folds: number;
  rows: number;
  rungs: Rung[];
  candidates: { id: string; overrides: TrainingConfigOverrides; config: TrainingConfigOverrides; features: FeatureKind }[];
  /** Featurised rows per feature kind: JSONL of { label, u, features }. */
  features: Partial<Record<FeatureKind, string[]>>;
}

interface FeatureRow {
  label: string;
  /** hashUniform of the row: it belongs to every rung whose fraction exceeds it. */
  u: number;
  features: string[];
}

export interface EvaluateFoldInput {
  planKey: string;
  candidate: number;
  rung: number;
  fold: number;
}

export interface FoldScore {
  macroF1: number | null;
  accuracy: number | null;
  rows: number;
  failed?: string;
}

export interface SummarizeSearchInput {
  planKey: string;
  winner: { index: number; rung: number };
  stoppedByBudget: boolean;
}

export interface SearchOutcome {
  summary: TuningSummaryV1;
  /** The winner's overrides merged into the request's: what the final fit receives. */
  config: Record<string, unknown>;
  /** For the version's metrics.json: the winner's cross-validated figures and the rows they come from. */
  crossValidation: Record<string, unknown> | null;
}

const resultsPrefix = (planKey: string) => `${planKey.slice(0, planKey.lastIndexOf('/'))}/results/`;
const resultKey = (planKey: string, candidate: number, rung: number, fold: number) =>
  `${resultsPrefix(planKey)}c${String(candidate).padStart(4, '0')}-r${rung}-f${fold}.json`;

/** Parsed plans and feature rows, per worker: every fold of every candidate reads the same few objects. */
const cache = new Map<string, unknown>();
const CACHE_ENTRIES = 4;

async function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit as T;
  }
  const value = await load();
  cache.set(key, value);
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return value;
}

async function readPlan(store: ObjectStore, planKey: string): Promise<PlanDocument> {
  return cached(planKey, async () => JSON.parse((await store.get(planKey)).toString('utf8')) as PlanDocument);
}

async function readFeatureRows(store: ObjectStore, keys: readonly string[]): Promise<FeatureRow[]> {
  return cached(`rows:${keys.join(',')}`, async () => {
    const rows: FeatureRow[] = [];
    for (const key of keys) rows.push(...parseJsonl<FeatureRow>(await store.get(key), key));
    return rows;
  });
}

/**
 * The budgeted hyperparameter search's activities (successive halving over a random draw of the
 * search space, src/training/search-space.ts and halving.ts):
 *
 *  - planSearch draws the candidates and featurises the training rows once per feature kind they
 *    use (a hash-chosen sample above maxRows), so the many fold fits read token lists instead of
 *    cleaning text again;
 *  - evaluateFold fits one candidate on k-1 folds of one rung's rows and scores the held-out fold:
 *    the workflow runs the folds as parallel activities;
 *  - summarizeSearch writes every candidate with its scores per rung to the store and returns a
 *    small summary, so the history holds scores and keys, never the table or any text.
 *
 * All of it on the training split: the held-out rows stay for the champion/challenger comparison.
 */
export function createSearchActivities(store: ObjectStore) {
  return {
    async planSearch(input: PlanSearchInput): Promise<SearchPlanSummary> {
      const ctx = Context.current();
      const request = (input.config ?? {}) as TrainingConfigOverrides;
      const base = parseConfig(input.config);
      let drawn;
      try {
        drawn = sampleCandidates(input.budget, input.seed, request);
      } catch (err) {
        throw ApplicationFailure.create({ type: trainingFailureTypes.invalidConfig, nonRetryable: true, message: (err as Error).message });
      }
      const candidates = drawn.map((c) => {
        const config = mergeOverrides(request, c.overrides);
        // A candidate the engine rejects is a bug in the search space: fail loudly.
        const resolved = parseConfig(config as Record<string, unknown>);
        return { id: c.id, overrides: c.overrides, config, features: resolved.features };
      });
      const kinds = [...new Set(candidates.map((c) => c.features))];

      const fraction = Math.min(1, input.maxRows / Math.max(1, input.trainRows));
      const folder = `training/${input.modelName}/${input.runId}/search`;
      const buffers = new Map<FeatureKind, FeatureRow[]>(kinds.map((k) => [k, []]));
      const features = Object.fromEntries(kinds.map((k) => [k, [] as string[]])) as Record<FeatureKind, string[]>;
      let rows = 0;
      const flush = async (force: boolean) => {
        for (const kind of kinds) {
          const buffer = buffers.get(kind) as FeatureRow[];
          if (buffer.length === 0 || (!force && buffer.length < FEATURE_SHARD_ROWS)) continue;
          const key = `${folder}/${kind}-${String(features[kind].length).padStart(5, '0')}.jsonl`;
          await store.put(key, toJsonl(buffer));
          features[kind].push(key);
          buffers.set(kind, []);
        }
      };
      for (const key of input.trainKeys) {
        for (const row of await readShardRows(store, key)) {
          const hash = contentHash(row.title, row.body);
          if (fraction < 1 && hashUniform(hash, row.label, input.seed ^ SAMPLE_SALT) >= fraction) continue;
          const lists = documentFeatureLists(row, base.text);
          const u = hashUniform(hash, row.label, input.seed ^ RUNG_SALT);
          for (const kind of kinds) (buffers.get(kind) as FeatureRow[]).push({ label: row.label, u, features: lists[kind] });
          rows++;
        }
        await flush(false);
        ctx.heartbeat({ reading: key, rows });
      }
      await flush(true);

      const rungs = halvingSchedule({ candidates: candidates.length, rows, factor: input.halvingFactor, minRows: input.minRungRows });
      const plan: PlanDocument = { version: 1, seed: input.seed, folds: input.folds, rows, rungs, candidates, features };
      const planKey = `${folder}/plan.json`;
      await store.put(planKey, JSON.stringify(plan), { contentType: 'application/json' });
      return { planKey, candidates: candidates.length, rows, rungs };
    },

    /**
     * One fold of one candidate at one rung: the rung's rows (those whose u is below its fraction),
     * split into the plan's stratified folds; fit on all but `fold`, score on `fold`. A candidate
     * the data cannot support (minDf leaves no terms, a label too rare for the SVM's calibration)
     * scores null with the reason, and simply loses.
     */
    async evaluateFold(input: EvaluateFoldInput): Promise<FoldScore> {
      const ctx = Context.current();
      const plan = await readPlan(store, input.planKey);
      const candidate = plan.candidates[input.candidate];
      const rung = plan.rungs[input.rung];
      if (!candidate || !rung) throw new RangeError(`no candidate ${input.candidate} or rung ${input.rung} in ${input.planKey}`);
      const all = await readFeatureRows(store, plan.features[candidate.features] as string[]);
      const docs: LabelledDoc[] = [];
      for (const row of all) if (rung.fraction >= 1 || row.u < rung.fraction) docs.push({ features: row.features, label: row.label });
      const score = async (): Promise<FoldScore> => {
        if (docs.length < 2 * plan.folds) return { macroF1: null, accuracy: null, rows: docs.length, failed: `${docs.length} rows` };
        const folds = stratifiedKFold(
          docs.map((d) => d.label),
          plan.folds,
          plan.seed,
        );
        const { train, test } = folds[input.fold];
        try {
          const { classifier } = await trainModel(
            () => [train.map((i) => docs[i])],
            parseConfig(candidate.config as Record<string, unknown>),
            { onProgress: () => ctx.heartbeat({ candidate: input.candidate, fold: input.fold }) },
          );
          const report = evaluateClassifier(
            classifier,
            test.map((i) => docs[i]),
          );
          return { macroF1: report.macro.f1, accuracy: report.accuracy, rows: docs.length };
        } catch (err) {
          if (err instanceof RangeError) return { macroF1: null, accuracy: null, rows: docs.length, failed: err.message };
          throw err;
        }
      };
      const result = await score();
      await store.put(resultKey(input.planKey, input.candidate, input.rung, input.fold), JSON.stringify(result), {
        contentType: 'application/json',
      });
      return result;
    },

    async summarizeSearch(input: SummarizeSearchInput): Promise<SearchOutcome> {
      const plan = await readPlan(store, input.planKey);
      const folds = new Map<string, FoldScore>();
      const prefix = resultsPrefix(input.planKey);
      for await (const object of store.list(prefix)) {
        folds.set(object.key, JSON.parse((await store.get(object.key)).toString('utf8')) as FoldScore);
      }
      const rowsAt = (rung: Rung) => Math.round(plan.rows * rung.fraction);
      const table = plan.candidates.map((candidate, index) => {
        const rungs = plan.rungs.flatMap((rung, r) => {
          const scores = Array.from({ length: plan.folds }, (_, f) => folds.get(resultKey(input.planKey, index, r, f)));
          if (scores.every((s) => s === undefined)) return [];
          const failed = scores.find((s) => s?.failed)?.failed;
          return [
            {
              rung: r,
              rows: scores.find((s) => s)?.rows ?? rowsAt(rung),
              foldsRun: scores.filter((s) => s !== undefined).length,
              meanMacroF1: meanOfFolds(scores.map((s) => s?.macroF1 ?? null)),
              meanAccuracy: meanOfFolds(scores.map((s) => s?.accuracy ?? null)),
              ...(failed !== undefined && { failed }),
            },
          ];
        });
        return { index, id: candidate.id, overrides: candidate.overrides, rungs };
      });
      const key = `${input.planKey.slice(0, input.planKey.lastIndexOf('/'))}/search.json`;
      await store.put(
        key,
        JSON.stringify({
          version: 1,
          strategy: 'successive halving over a random draw of the search space',
          folds: plan.folds,
          rows: plan.rows,
          rungs: plan.rungs.map((r) => ({ ...r, rows: rowsAt(r) })),
          winner: input.winner,
          stoppedByBudget: input.stoppedByBudget,
          candidates: table,
        }),
        { contentType: 'application/json' },
      );

      const winner = plan.candidates[input.winner.index] ?? plan.candidates[0];
      const scored = table[input.winner.index]?.rungs.find((r) => r.rung === input.winner.rung);
      const best: TuningResultV1 = {
        id: winner.id,
        overrides: winner.overrides as Record<string, unknown>,
        meanMacroF1: scored?.meanMacroF1 ?? 0,
        meanAccuracy: scored?.meanAccuracy ?? 0,
        rows: scored?.rows ?? 0,
        rung: input.winner.rung,
        ...(scored === undefined && { failed: "no candidate was scored within the budget: the request's config is kept" }),
      };
      return {
        summary: {
          folds: plan.folds,
          best,
          candidates: plan.candidates.length,
          evaluations: folds.size,
          rungs: plan.rungs.map((r) => ({ rows: rowsAt(r), candidates: r.candidates })),
          stoppedByBudget: input.stoppedByBudget,
          resultKey: key,
        },
        config: winner.config as Record<string, unknown>,
        crossValidation: scored
          ? {
              rows: 'training',
              count: scored.rows,
              folds: plan.folds,
              rung: input.winner.rung,
              candidate: winner.id,
              meanMacroF1: scored.meanMacroF1,
              meanAccuracy: scored.meanAccuracy,
              resultKey: key,
            }
          : null,
      };
    },
  };
}

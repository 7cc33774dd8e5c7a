import type { MetricSummaryV1, TuningSummaryV1 } from '../contracts/continuous-training';
import { topTermsPerLabel } from '../model/explain';
import type { ClassificationReport } from '../model/evaluation/metrics';
import type { ModelRegistry } from '../model/registry';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store';

/**
 * The one place that reads a model version's artifacts for reports (metrics.json, the model itself,
 * and the training run's record). metrics.json evolves (new fields per model family, which rows an
 * evaluation used): everything optional is read defensively here, so the renderers see one shape.
 */

/** `models/<name>/<vN>/run.json`: what continuousTraining decided about this version. */
export interface ModelRunRecordV1 {
  schemaVersion: 1;
  modelName: string;
  version: string;
  workflowId: string;
  runId: string;
  trigger: string;
  promoted: boolean;
  decision: string;
  /** Challenger and champion, evaluated on the same held-out rows. */
  challenger: MetricSummaryV1;
  champion: { version: string; metrics: MetricSummaryV1 } | null;
  tuning: TuningSummaryV1 | null;
  trainRows: number;
  testRows: number;
  config: Record<string, unknown>;
  recordedAt: string;
}

export const modelReportKeys = {
  run: (name: string, version: string) => `models/${name}/${version}/run.json`,
  report: (name: string, version: string) => `models/${name}/${version}/report.html`,
};

export interface ModelReportInputs {
  modelName: string;
  version: string;
  /** The held-out evaluation (per-class precision/recall/F1, confusion matrix). */
  evaluation: ClassificationReport | null;
  /** Which rows the evaluation used, when metrics.json says (e.g. the test split's keys). */
  evaluationRows: string | null;
  majorityBaseline: { label: string; accuracy: number; macroF1: number } | null;
  training: {
    documents: number | null;
    labelCounts: Record<string, number>;
    vocabularySize: number | null;
    details: Record<string, unknown>;
  };
  config: Record<string, unknown>;
  savedAt: string | null;
  provenance: Record<string, unknown>;
  topTerms: Record<string, Array<{ term: string; logOdds: number }>>;
  run: ModelRunRecordV1 | null;
  /** The version latest.json points at now (null: none). */
  currentChampion: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function readJson<T>(store: ObjectStore, key: string): Promise<T | null> {
  try {
    return JSON.parse((await store.get(key)).toString('utf8')) as T;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return null;
    throw err;
  }
}

function asEvaluation(v: unknown): ClassificationReport | null {
  if (!isObject(v) || !Array.isArray(v.labels) || !Array.isArray(v.confusionMatrix) || !isObject(v.perClass)) return null;
  return v as unknown as ClassificationReport;
}

/** `name` or `name@vN` (default: the promoted version). */
export async function resolveModelRef(registry: ModelRegistry, ref: string): Promise<{ modelName: string; version: string }> {
  const [modelName, version] = ref.split('@');
  if (version) return { modelName, version };
  const latest = await registry.latest(modelName);
  if (!latest) throw new RangeError(`model ${modelName} has no promoted version; name one: ${modelName}@v1`);
  return { modelName, version: latest.version };
}

export async function readModelReportInputs(
  store: ObjectStore,
  registry: ModelRegistry,
  modelName: string,
  version: string,
): Promise<ModelReportInputs> {
  const metrics = (await registry.metrics(modelName, version)) as Record<string, unknown>;
  const classifier = await registry.load(modelName, version);
  const run = await readJson<ModelRunRecordV1>(store, modelReportKeys.run(modelName, version));
  const latest = await registry.latest(modelName).catch(() => undefined);
  const training = isObject(metrics.training) ? metrics.training : {};
  const provenance = isObject(metrics.provenance) ? metrics.provenance : {};
  const labelCounts = (
    isObject(training.labelCounts) ? training.labelCounts : isObject(provenance.labelCounts) ? provenance.labelCounts : {}
  ) as Record<string, number>;
  const baseline = isObject(metrics.majorityBaseline) ? metrics.majorityBaseline : null;
  const rows = metrics.evaluationRows ?? metrics.testKeys ?? (isObject(metrics.evaluation) ? metrics.evaluation.rows : undefined);
  return {
    modelName,
    version,
    evaluation: asEvaluation(metrics.evaluation),
    evaluationRows: rows === undefined ? null : typeof rows === 'string' ? rows : JSON.stringify(rows),
    majorityBaseline: baseline
      ? { label: String(baseline.label), accuracy: num(baseline.accuracy) ?? 0, macroF1: num(baseline.macroF1) ?? 0 }
      : null,
    training: { documents: num(training.documents), labelCounts, vocabularySize: num(training.vocabularySize), details: training },
    config: isObject(metrics.config) ? metrics.config : {},
    savedAt: typeof metrics.savedAt === 'string' ? metrics.savedAt : null,
    provenance,
    topTerms: topTermsPerLabel(classifier),
    run,
    currentChampion: latest?.version ?? null,
  };
}

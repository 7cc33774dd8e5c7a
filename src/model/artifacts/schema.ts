import { z } from 'zod';
import { trainingConfigSchema, type TrainingConfig } from '../config';
import type { NaiveBayesVariant } from '../classifier/naive-bayes';
import type { VectorizerOptions } from '../vectorizer/options';
import { ModelArtifactError } from './errors';

/** Bumped whenever a reader of the previous layout would misread the new one. */
export const ARTIFACT_SCHEMA_VERSION = 1;

export const ARTIFACT_FILES = {
  model: 'model.json',
  preprocessor: 'preprocessor.json',
  config: 'config.json',
  metrics: 'metrics.json',
} as const;

/** model.json of a naive Bayes model: its sufficient statistics (log probabilities are derived on load). */
export interface NaiveBayesModelDocument {
  schemaVersion: number;
  kind: 'naive-bayes';
  variant: NaiveBayesVariant;
  labels: string[];
  /** Training documents per label. */
  classCounts: number[];
  /** Per label, the summed feature values over its documents (one entry per vocabulary term). */
  featureCounts: number[][];
  trainedAt: string;
}

/**
 * model.json of a linear model (logistic regression or calibrated linear SVM): weights per score
 * column (one column, labels[1]'s score, for two labels; one per label otherwise), intercepts,
 * and for the SVM Platt's (a, b) per column. Added beside the naive Bayes document under the same
 * schema version: every naive Bayes artifact written before reads as it did.
 */
export interface LinearModelDocument {
  schemaVersion: number;
  kind: 'linear';
  variant: 'logistic' | 'svm';
  labels: string[];
  classCounts: number[];
  /** Per column, one weight per vocabulary term. */
  coefficients: number[][];
  intercepts: number[];
  calibration: number[] | null;
  /** Optimiser iterations (L-BFGS) or epochs (SGD), and whether it converged. */
  fit: { iterations: number; converged: boolean };
  trainedAt: string;
}

export type ModelDocument = NaiveBayesModelDocument | LinearModelDocument;

/** preprocessor.json: the fitted vectorizer. `idf` is redundant with `documentFrequency` and checked on load. */
export interface PreprocessorDocument {
  schemaVersion: number;
  kind: 'ngram-vectorizer';
  options: VectorizerOptions;
  documents: number;
  terms: string[];
  documentFrequency: number[];
  idf: number[] | null;
  prunedDfThreshold: number;
}

/** config.json: everything needed to featurise a record the way the model was trained. */
export interface ConfigDocument {
  schemaVersion: number;
  training: TrainingConfig;
}

export interface ModelArtifacts {
  model: ModelDocument;
  preprocessor: PreprocessorDocument;
  config: ConfigDocument;
}

// Large arrays are checked by hand: zod's per-element validation costs seconds on 1M numbers, and
// even z.array(z.unknown()) copies the array element by element (a third of a model's load).
const bigArray = z.custom<unknown[]>((value) => Array.isArray(value), { message: 'Expected array' });

const naiveBayesModelSchema = z.object({
  schemaVersion: z.number(),
  kind: z.literal('naive-bayes'),
  variant: z.enum(['multinomial', 'complement']),
  labels: z.array(z.string()).min(1),
  classCounts: z.array(z.number().nonnegative()),
  featureCounts: z.array(bigArray),
  trainedAt: z.string(),
});

const linearModelSchema = z.object({
  schemaVersion: z.number(),
  kind: z.literal('linear'),
  variant: z.enum(['logistic', 'svm']),
  labels: z.array(z.string()).min(2),
  classCounts: z.array(z.number().nonnegative()),
  coefficients: z.array(bigArray).min(1),
  intercepts: z.array(z.number().finite()),
  calibration: z.array(z.number().finite()).nullable(),
  fit: z.object({ iterations: z.number().int().nonnegative(), converged: z.boolean() }),
  trainedAt: z.string(),
});

const modelSchema = z.discriminatedUnion('kind', [naiveBayesModelSchema, linearModelSchema]);

const preprocessorSchema = z.object({
  schemaVersion: z.number(),
  kind: z.literal('ngram-vectorizer'),
  options: trainingConfigSchema.shape.vectorizer,
  documents: z.number().int().nonnegative(),
  terms: bigArray,
  documentFrequency: bigArray,
  idf: bigArray.nullable(),
  prunedDfThreshold: z.number().int().nonnegative(),
});

const configSchema = z.object({ schemaVersion: z.number(), training: trainingConfigSchema });

function checkVersion(value: unknown, key: string): void {
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== ARTIFACT_SCHEMA_VERSION) {
    throw new ModelArtifactError(
      `schemaVersion ${JSON.stringify(version)} is not supported (this build reads ${ARTIFACT_SCHEMA_VERSION})`,
      key,
    );
  }
}

function parseWith<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, key: string): T {
  checkVersion(value, key);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelArtifactError(`does not match the schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`, key);
  }
  return parsed.data;
}

function checkArray(values: unknown[], length: number, what: string, key: string, check: (value: unknown) => boolean): void {
  if (values.length !== length) throw new ModelArtifactError(`${what} has ${values.length} entries, expected ${length}`, key);
  for (let i = 0; i < values.length; i++) {
    if (!check(values[i])) throw new ModelArtifactError(`${what}[${i}] is invalid: ${JSON.stringify(values[i])}`, key);
  }
}

const isCount = (v: unknown) => typeof v === 'number' && v >= 0 && Number.isFinite(v);
const isFinite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isFinitePositive = (v: unknown) => typeof v === 'number' && v > 0 && Number.isFinite(v);

export interface ArtifactKeys {
  model: string;
  preprocessor: string;
  config: string;
}

/** Validates parsed artifact JSON, naming the artifact at fault; returns it typed. */
export function validateArtifacts(
  raw: { model: unknown; preprocessor: unknown; config: unknown },
  keys: ArtifactKeys = ARTIFACT_FILES,
): ModelArtifacts {
  const config = parseWith(configSchema, raw.config, keys.config) as ConfigDocument;
  const preprocessor = parseWith(preprocessorSchema, raw.preprocessor, keys.preprocessor) as PreprocessorDocument;
  const model = parseWith(modelSchema, raw.model, keys.model) as ModelDocument;

  const v = preprocessor.terms.length;
  checkArray(preprocessor.terms, v, 'terms', keys.preprocessor, (t) => typeof t === 'string' && t.length > 0);
  checkArray(preprocessor.documentFrequency, v, 'documentFrequency', keys.preprocessor, isCount);
  if (preprocessor.idf !== null) checkArray(preprocessor.idf, v, 'idf', keys.preprocessor, isFinitePositive);

  const k = model.labels.length;
  if (new Set(model.labels).size !== k) throw new ModelArtifactError('labels are not unique', keys.model);
  checkArray(model.classCounts, k, 'classCounts', keys.model, isCount);
  if (model.kind === 'naive-bayes') {
    if (model.featureCounts.length !== k)
      throw new ModelArtifactError(`featureCounts has ${model.featureCounts.length} rows for ${k} labels`, keys.model);
    model.featureCounts.forEach((row, c) => checkArray(row, v, `featureCounts[${c}]`, keys.model, isCount));
  } else {
    const columns = k === 2 ? 1 : k;
    if (model.coefficients.length !== columns)
      throw new ModelArtifactError(`coefficients has ${model.coefficients.length} rows for ${k} labels (expected ${columns})`, keys.model);
    model.coefficients.forEach((row, c) => checkArray(row, v, `coefficients[${c}]`, keys.model, isFinite));
    checkArray(model.intercepts, columns, 'intercepts', keys.model, isFinite);
    if (model.variant === 'svm') {
      if (model.calibration === null) throw new ModelArtifactError('an SVM model needs its calibration', keys.model);
      checkArray(model.calibration, 2 * columns, 'calibration', keys.model, isFinite);
    }
  }

  if (JSON.stringify(preprocessor.options) !== JSON.stringify(config.training.vectorizer)) {
    throw new ModelArtifactError(`vectorizer options differ from ${keys.config}`, keys.preprocessor);
  }
  if (model.variant !== config.training.classifier.variant) {
    throw new ModelArtifactError(
      `variant ${model.variant} differs from ${keys.config} (${config.training.classifier.variant})`,
      keys.model,
    );
  }
  return { model, preprocessor, config };
}

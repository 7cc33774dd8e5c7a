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

/** model.json: the naive Bayes sufficient statistics (log probabilities are derived on load). */
export interface ModelDocument {
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

// Large arrays are checked by hand: zod's per-element validation costs seconds on 1M numbers.
const bigArray = z.array(z.unknown());

const modelSchema = z.object({
  schemaVersion: z.number(),
  kind: z.literal('naive-bayes'),
  variant: z.enum(['multinomial', 'complement']),
  labels: z.array(z.string()).min(1),
  classCounts: z.array(z.number().nonnegative()),
  featureCounts: z.array(bigArray),
  trainedAt: z.string(),
});

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
  if (model.featureCounts.length !== k)
    throw new ModelArtifactError(`featureCounts has ${model.featureCounts.length} rows for ${k} labels`, keys.model);
  model.featureCounts.forEach((row, c) => checkArray(row, v, `featureCounts[${c}]`, keys.model, isCount));

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

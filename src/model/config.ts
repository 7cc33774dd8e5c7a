import { z } from 'zod';
import { DEFAULT_TEXT_OPTIONS, LANGUAGES, type FeatureKind, type TextOptions } from '../text';
import { CLASSIFIER_DEFAULTS, sameFamily, type ClassifierOptions, type ClassifierVariant } from './classifier/options';
import type { NaiveBayesOptions } from './classifier/naive-bayes';
import type { LinearSvmOptions } from './linear/linear-svm';
import type { LogisticRegressionOptions } from './linear/logistic-regression';
import { TFIDF_DEFAULTS, validateVectorizerOptions, type VectorizerOptions } from './vectorizer/options';

export interface TrainingConfig {
  text: TextOptions;
  /** Which token list of `cleanDocument` the vectorizer reads. */
  features: FeatureKind;
  vectorizer: VectorizerOptions;
  classifier: ClassifierOptions;
}

/**
 * Tuned on SpamAssassin message bodies (5-fold stratified, docs/engine.md): stems, unigrams and
 * bigrams seen in at least two documents, sublinear TF-IDF with l2 rows, and a small alpha (with
 * l2 rows a document's values sum to ~1, so alpha=1 would drown them: sklearn's 0.874). The
 * vocabulary keeps the 200k most frequent n-grams and the first pass at most 2M candidates, which
 * bounds model size and training memory on corpora of millions of documents.
 */
export const DEFAULT_TRAINING_CONFIG: TrainingConfig = deepFreeze({
  text: { ...DEFAULT_TEXT_OPTIONS },
  features: 'stems',
  vectorizer: {
    ...TFIDF_DEFAULTS,
    ngramRange: [1, 2],
    minDf: 2,
    maxFeatures: 200_000,
    sublinearTf: true,
    norm: 'l2',
    maxCandidateTerms: 2_000_000,
  },
  classifier: { variant: 'multinomial', alpha: 0.03, fitPrior: true, classPrior: null },
});

const textOptionsSchema = z
  .object({
    language: z.enum(LANGUAGES as [TextOptions['language'], ...TextOptions['language'][]]),
    keepNegations: z.boolean(),
    stem: z.boolean(),
    detectLanguage: z.boolean(),
  })
  .strict();

const vectorizerSchema = z
  .object({
    ngramRange: z.tuple([z.number().int(), z.number().int()]),
    minDf: z.number().positive(),
    maxDf: z.number().positive(),
    maxFeatures: z.number().int().positive().nullable(),
    binary: z.boolean(),
    useIdf: z.boolean(),
    smoothIdf: z.boolean(),
    sublinearTf: z.boolean(),
    norm: z.enum(['l1', 'l2', 'none']),
    maxCandidateTerms: z.number().int(),
  })
  .strict();

const naiveBayesSchema = z
  .object({
    variant: z.enum(['multinomial', 'complement']),
    alpha: z.number().positive().finite(),
    fitPrior: z.boolean(),
    classPrior: z.record(z.number()).nullable().optional(),
  })
  .strict();

const logisticSchema = z
  .object({
    variant: z.literal('logistic'),
    C: z.number().positive().finite(),
    maxIter: z.number().int().positive(),
    tol: z.number().positive().finite(),
  })
  .strict();

const svmSchema = z
  .object({
    variant: z.literal('svm'),
    alpha: z.number().positive().finite(),
    maxIter: z.number().int().positive(),
    tol: z.number().positive().finite(),
    calibrationFolds: z.number().int().min(2).max(20),
    shuffle: z.boolean(),
    seed: z.number().int().nonnegative(),
  })
  .strict();

const classifierSchema = z.union([naiveBayesSchema, logisticSchema, svmSchema]);

export const trainingConfigSchema = z
  .object({
    text: textOptionsSchema,
    features: z.enum(['stems', 'tokensNoStop', 'tokens']),
    vectorizer: vectorizerSchema,
    classifier: classifierSchema,
  })
  .strict();

export type TrainingConfigOverrides = {
  text?: Partial<TextOptions>;
  features?: FeatureKind;
  vectorizer?: Partial<VectorizerOptions>;
  classifier?: ClassifierOverrides;
};

/** Some options of one classifier; a `variant` of another family starts from that family's defaults. */
export type ClassifierOverrides = Partial<NaiveBayesOptions> | Partial<LogisticRegressionOptions> | Partial<LinearSvmOptions>;

function mergeClassifier(base: ClassifierOptions, overrides: ClassifierOverrides | undefined): unknown {
  if (!overrides) return base;
  const variant = (overrides.variant ?? base.variant) as ClassifierVariant;
  const start = sameFamily(variant, base.variant) ? base : CLASSIFIER_DEFAULTS[variant];
  return { ...start, ...overrides, variant };
}

/** The defaults with some sections overridden, validated (throws RangeError with the offending path). */
export function resolveTrainingConfig(
  overrides: TrainingConfigOverrides = {},
  base: TrainingConfig = DEFAULT_TRAINING_CONFIG,
): TrainingConfig {
  const merged = {
    text: { ...base.text, ...overrides.text },
    features: overrides.features ?? base.features,
    vectorizer: { ...base.vectorizer, ...overrides.vectorizer },
    classifier: mergeClassifier(base.classifier, overrides.classifier),
  };
  return validateTrainingConfig(merged);
}

/** The schema of the classifier a candidate names, for errors that point at the offending option. */
function classifierSchemaFor(candidate: unknown): z.ZodTypeAny {
  const variant = (candidate as { classifier?: { variant?: unknown } } | null)?.classifier?.variant;
  return variant === 'logistic' ? logisticSchema : variant === 'svm' ? svmSchema : naiveBayesSchema;
}

export function validateTrainingConfig(candidate: unknown): TrainingConfig {
  const classifier = classifierSchemaFor(candidate).safeParse((candidate as { classifier?: unknown } | null)?.classifier);
  if (!classifier.success) {
    const issue = classifier.error.issues[0];
    throw new RangeError(`invalid training config at ${['classifier', ...issue.path].join('.')}: ${issue.message}`);
  }
  const parsed = trainingConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`invalid training config at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const config = parsed.data as TrainingConfig;
  validateVectorizerOptions(config.vectorizer);
  return config;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

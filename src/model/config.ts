import { z } from 'zod';
import { DEFAULT_TEXT_OPTIONS, LANGUAGES, type FeatureKind, type TextOptions } from '../text';
import type { NaiveBayesOptions } from './classifier/naive-bayes';
import { TFIDF_DEFAULTS, validateVectorizerOptions, type VectorizerOptions } from './vectorizer/options';

export interface TrainingConfig {
  text: TextOptions;
  /** Which token list of `cleanDocument` the vectorizer reads. */
  features: FeatureKind;
  vectorizer: VectorizerOptions;
  classifier: NaiveBayesOptions;
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

const classifierSchema = z
  .object({
    variant: z.enum(['multinomial', 'complement']),
    alpha: z.number().positive().finite(),
    fitPrior: z.boolean(),
    classPrior: z.record(z.number()).nullable().optional(),
  })
  .strict();

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
  classifier?: Partial<NaiveBayesOptions>;
};

/** The defaults with some sections overridden, validated (throws RangeError with the offending path). */
export function resolveTrainingConfig(
  overrides: TrainingConfigOverrides = {},
  base: TrainingConfig = DEFAULT_TRAINING_CONFIG,
): TrainingConfig {
  const merged = {
    text: { ...base.text, ...overrides.text },
    features: overrides.features ?? base.features,
    vectorizer: { ...base.vectorizer, ...overrides.vectorizer },
    classifier: { ...base.classifier, ...overrides.classifier },
  };
  return validateTrainingConfig(merged);
}

export function validateTrainingConfig(candidate: unknown): TrainingConfig {
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

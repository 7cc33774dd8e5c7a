export {
  DEFAULT_TRAINING_CONFIG,
  resolveTrainingConfig,
  validateTrainingConfig,
  type TrainingConfig,
  type ClassifierOverrides,
  type TrainingConfigOverrides,
} from './config';
export { recordFeatures, toLabelledDoc, type LabelledDoc, type LabelledRecordInput } from './features';
export { trainModel, type ShardSource, type TrainedModel, type TrainingStats, type TrainOptions } from './train';
export { TextClassifier, type FittedClassifier, type Prediction } from './text-classifier';
export { ModelRegistry, type LatestPointer, type ModelMetrics, type VersionInfo } from './registry';
export { ModelArtifactError } from './artifacts/errors';
export {
  ARTIFACT_FILES,
  ARTIFACT_SCHEMA_VERSION,
  validateArtifacts,
  type ConfigDocument,
  type ModelArtifacts,
  type LinearModelDocument,
  type ModelDocument,
  type NaiveBayesModelDocument,
  type PreprocessorDocument,
} from './artifacts/schema';
export { COUNT_DEFAULTS, TFIDF_DEFAULTS, type NormKind, type VectorizerOptions } from './vectorizer/options';
export { FittedVectorizer, idfWeights } from './vectorizer/vectorizer';
export { SparseRow } from './vectorizer/sparse-row';
export { NaiveBayesCounts, NaiveBayesModel, type NaiveBayesOptions, type NaiveBayesVariant } from './classifier/naive-bayes';
export { logSumExp, probabilitiesFromLogScores } from './classifier/log-sum-exp';
export {
  CLASSIFIER_DEFAULTS,
  CLASSIFIER_VARIANTS,
  isNaiveBayes,
  sameFamily,
  type ClassifierOptions,
  type ClassifierVariant,
  type LinearSvmOptions,
  type LogisticRegressionOptions,
} from './classifier/options';
export { LinearModel } from './linear/linear-model';
export { LinearTrainer } from './linear/linear-trainer';
export { SparseMatrix } from './linear/sparse-matrix';
export { classificationReport, confusionMatrix, logLoss, type ClassificationReport, type ClassMetrics } from './evaluation/metrics';
export { stratifiedKFold, stratifiedSplit, type Split } from './evaluation/split';
export { createRng, shuffleInPlace } from './evaluation/prng';
export { crossValidate, evaluateClassifier, type CrossValidationResult } from './evaluation/evaluate';
export { loadSpamAssassin, messageBody, type LabelledRecord } from './datasets/spam-assassin';

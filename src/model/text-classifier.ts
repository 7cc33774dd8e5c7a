import type { TextInput } from '../text';
import { probabilitiesFromLogScores } from './classifier/log-sum-exp';
import { NaiveBayesCounts, NaiveBayesModel } from './classifier/naive-bayes';
import { isNaiveBayes } from './classifier/options';
import type { TrainingConfig } from './config';
import { ModelArtifactError } from './artifacts/errors';
import {
  ARTIFACT_FILES,
  ARTIFACT_SCHEMA_VERSION,
  validateArtifacts,
  type ArtifactKeys,
  type LinearModelDocument,
  type ModelArtifacts,
  type NaiveBayesModelDocument,
} from './artifacts/schema';
import { recordFeatures } from './features';
import { LinearModel } from './linear/linear-model';
import { calibratedProbabilities } from './linear/linear-svm';
import { SparseRow } from './vectorizer/sparse-row';
import { FittedVectorizer } from './vectorizer/vectorizer';

export interface Prediction {
  label: string;
  /** Posterior probability per label; they sum to 1. */
  probabilities: Record<string, number>;
}

/** How far the stored idf may drift from the one recomputed from document frequencies. */
const IDF_TOLERANCE = 1e-9;

/** What a classifier was fitted to: naive Bayes sufficient statistics, or a linear model's weights. */
export type FittedClassifier = { kind: 'naive-bayes'; counts: NaiveBayesCounts } | { kind: 'linear'; model: LinearModel };

/**
 * A fitted vectorizer and classifier with the config they were trained under. Every classifier
 * scores a document the same way, a weighted sum per column over the document's TF-IDF row
 * (naive Bayes: log probabilities and log priors; linear models: weights and intercepts); they
 * differ in how scores become probabilities (softmax, sigmoid, or Platt calibration). Not safe to
 * share between concurrent callers that interleave inside `predict` (there are none in Node: it is
 * synchronous and reuses scratch buffers).
 */
export class TextClassifier {
  readonly labels: string[];
  readonly config: TrainingConfig;
  readonly vectorizer: FittedVectorizer;
  /** The fitted parameters: NaiveBayesModel or LinearModel (see `config.classifier.variant`). */
  readonly model: NaiveBayesModel | LinearModel;
  readonly trainedAt: string;
  private readonly fitted: FittedClassifier;
  private readonly prunedDfThreshold: number;
  /** Score columns: k, or 1 for a two-class linear model. */
  private readonly columns: number;
  private readonly bias: Float64Array;
  /**
   * Per feature: its idf (1 without idf) followed by its weight in each column. Scoring a document
   * then reads one cache line per feature instead of one in each of two large arrays.
   */
  private readonly packed: Float64Array;
  private readonly row = new SparseRow();
  private readonly scores: Float64Array;
  private readonly probabilities: Float64Array;

  constructor(parts: {
    config: TrainingConfig;
    labels: string[];
    vectorizer: FittedVectorizer;
    fitted: FittedClassifier;
    trainedAt: string;
    prunedDfThreshold: number;
  }) {
    this.config = parts.config;
    this.labels = parts.labels;
    this.vectorizer = parts.vectorizer;
    this.fitted = parts.fitted;
    this.trainedAt = parts.trainedAt;
    this.prunedDfThreshold = parts.prunedDfThreshold;
    const k = parts.labels.length;
    const v = parts.vectorizer.featureCount;
    let weights: Float64Array;
    if (parts.fitted.kind === 'naive-bayes') {
      if (!isNaiveBayes(parts.config.classifier)) throw new RangeError('naive Bayes counts for a linear classifier config');
      const model = new NaiveBayesModel(parts.config.classifier, parts.labels, parts.fitted.counts);
      this.model = model;
      this.columns = k;
      this.bias = model.classLogPrior;
      weights = model.featureLogProb;
    } else {
      const model = parts.fitted.model;
      if (model.options.variant !== parts.config.classifier.variant) {
        throw new RangeError(`a ${model.options.variant} model under a ${parts.config.classifier.variant} config`);
      }
      if (model.featureCount !== v) throw new RangeError(`${model.featureCount} weights per column for ${v} features`);
      this.model = model;
      this.columns = model.columns;
      this.bias = model.intercepts;
      weights = model.coefficients;
    }
    this.scores = new Float64Array(this.columns);
    this.probabilities = new Float64Array(k);
    const m = this.columns;
    const idf = parts.vectorizer.idf;
    this.packed = new Float64Array(v * (m + 1));
    for (let j = 0; j < v; j++) {
      this.packed[j * (m + 1)] = idf ? idf[j] : 1;
      for (let c = 0; c < m; c++) this.packed[j * (m + 1) + 1 + c] = weights[j * m + c];
    }
  }

  static fromArtifacts(
    artifacts: ModelArtifacts | { model: unknown; preprocessor: unknown; config: unknown },
    keys: ArtifactKeys = ARTIFACT_FILES,
  ): TextClassifier {
    const { model, preprocessor, config } = validateArtifacts(artifacts, keys);
    let vectorizer: FittedVectorizer;
    try {
      vectorizer = FittedVectorizer.fromTerms(
        preprocessor.options,
        preprocessor.terms,
        preprocessor.documentFrequency,
        preprocessor.documents,
      );
    } catch (err) {
      throw new ModelArtifactError((err as Error).message, keys.preprocessor, { cause: err });
    }
    if (preprocessor.idf !== null || vectorizer.idf !== null) {
      const stored = preprocessor.idf;
      const derived = vectorizer.idf;
      if (!stored || !derived || stored.some((value, j) => Math.abs(value - derived[j]) > IDF_TOLERANCE)) {
        throw new ModelArtifactError('idf does not match documentFrequency and documents', keys.preprocessor);
      }
    }
    const k = model.labels.length;
    const v = preprocessor.terms.length;
    let fitted: FittedClassifier;
    if (model.kind === 'naive-bayes') {
      const counts = new NaiveBayesCounts(k, v);
      counts.classCounts.set(model.classCounts);
      model.featureCounts.forEach((row, c) => {
        for (let j = 0; j < v; j++) counts.featureCounts[j * k + c] = row[j] as number;
      });
      fitted = { kind: 'naive-bayes', counts };
    } else {
      const columns = model.coefficients.length;
      const coefficients = new Float64Array(v * columns);
      model.coefficients.forEach((row, c) => {
        for (let j = 0; j < v; j++) coefficients[j * columns + c] = row[j] as number;
      });
      const options = config.training.classifier;
      if (options.variant !== 'logistic' && options.variant !== 'svm') {
        throw new ModelArtifactError(`a linear model under a ${options.variant} config`, keys.model);
      }
      try {
        fitted = {
          kind: 'linear',
          model: new LinearModel(
            options,
            model.labels,
            coefficients,
            Float64Array.from(model.intercepts),
            columns,
            model.calibration ? Float64Array.from(model.calibration) : null,
            Float64Array.from(model.classCounts),
            model.fit,
          ),
        };
      } catch (err) {
        throw new ModelArtifactError((err as Error).message, keys.model, { cause: err });
      }
    }
    try {
      return new TextClassifier({
        config: config.training,
        labels: model.labels,
        vectorizer,
        fitted,
        trainedAt: model.trainedAt,
        prunedDfThreshold: preprocessor.prunedDfThreshold,
      });
    } catch (err) {
      throw new ModelArtifactError((err as Error).message, keys.config, { cause: err });
    }
  }

  /** Classifies a document given its feature tokens (`cleanDocument(...)[config.features]`). */
  predict(features: readonly string[]): Prediction {
    const scores = this.decisionScores(features);
    const probabilities = this.probabilitiesFrom(scores);
    const best = this.bestFrom(scores, probabilities);
    const result: Record<string, number> = {};
    for (let c = 0; c < this.labels.length; c++) result[this.labels[c]] = probabilities[c];
    return { label: this.labels[best], probabilities: result };
  }

  /** The winning label only (no probability object built). */
  predictLabel(features: readonly string[]): string {
    const scores = this.decisionScores(features);
    // Naive Bayes and logistic regression decide on the scores; the SVM on its calibrated probabilities.
    return this.labels[this.bestFrom(scores, this.config.classifier.variant === 'svm' ? this.probabilitiesFrom(scores) : null)];
  }

  /** Featurises a raw record exactly as training did, then classifies it. */
  predictRecord(record: TextInput): Prediction {
    return this.predict(this.featurize(record));
  }

  featurize(record: TextInput): string[] {
    return recordFeatures(record, this.config);
  }

  toArtifacts(): ModelArtifacts {
    const k = this.labels.length;
    const v = this.vectorizer.featureCount;
    const byColumn = (values: Float64Array, columns: number) =>
      Array.from({ length: columns }, (_, c) => {
        const row = new Array<number>(v);
        for (let j = 0; j < v; j++) row[j] = values[j * columns + c];
        return row;
      });
    let model: NaiveBayesModelDocument | LinearModelDocument;
    if (this.fitted.kind === 'naive-bayes') {
      const counts = this.fitted.counts;
      model = {
        schemaVersion: ARTIFACT_SCHEMA_VERSION,
        kind: 'naive-bayes',
        variant: this.config.classifier.variant as NaiveBayesModelDocument['variant'],
        labels: [...this.labels],
        classCounts: Array.from(counts.classCounts),
        featureCounts: byColumn(counts.featureCounts, k),
        trainedAt: this.trainedAt,
      };
    } else {
      const linear = this.fitted.model;
      model = {
        schemaVersion: ARTIFACT_SCHEMA_VERSION,
        kind: 'linear',
        variant: linear.options.variant,
        labels: [...this.labels],
        classCounts: Array.from(linear.classCounts),
        coefficients: byColumn(linear.coefficients, linear.columns),
        intercepts: Array.from(linear.intercepts),
        calibration: linear.calibration ? Array.from(linear.calibration) : null,
        fit: { ...linear.fit },
        trainedAt: this.trainedAt,
      };
    }
    return {
      model,
      preprocessor: {
        schemaVersion: ARTIFACT_SCHEMA_VERSION,
        kind: 'ngram-vectorizer',
        options: this.config.vectorizer,
        documents: this.vectorizer.documents,
        terms: [...this.vectorizer.terms],
        documentFrequency: [...this.vectorizer.documentFrequency],
        idf: this.vectorizer.idf ? Array.from(this.vectorizer.idf) : null,
        prunedDfThreshold: this.prunedDfThreshold,
      },
      config: { schemaVersion: ARTIFACT_SCHEMA_VERSION, training: this.config },
    };
  }

  /** Class probabilities for the scores (scratch buffer, overwritten by the next call). */
  private probabilitiesFrom(scores: Float64Array): Float64Array {
    const out = this.probabilities;
    switch (this.config.classifier.variant) {
      case 'svm':
        return calibratedProbabilities(scores, (this.model as LinearModel).calibration as Float64Array, out);
      case 'logistic':
        if (this.columns === 1) {
          // scikit-learn's binary predict_proba: expit(score), then 1 - that.
          const s = scores[0];
          out[1] = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
          out[0] = 1 - out[1];
          return out;
        }
        return probabilitiesFromLogScores(scores, out);
      default:
        return probabilitiesFromLogScores(scores, out);
    }
  }

  /** The predicted class: argmax of the probabilities when given, else of the scores (one column: score > 0). */
  private bestFrom(scores: Float64Array, probabilities: Float64Array | null): number {
    if (probabilities && this.config.classifier.variant === 'svm') return argmax(probabilities);
    if (this.columns === 1) return scores[0] > 0 ? 1 : 0;
    return argmax(scores);
  }

  /** Per column: bias plus the weighted sum over the document's TF-IDF row, reading the packed per-feature data. */
  private decisionScores(features: readonly string[]): Float64Array {
    const stride = this.columns + 1;
    const packed = this.packed;
    const row = this.vectorizer.countInto(features, this.row);
    this.vectorizer.weigh(row, this.vectorizer.idf ? packed : null, stride);
    const scores = this.scores;
    scores.set(this.bias);
    const { indices, values, length } = row;
    for (let i = 0; i < length; i++) {
      const base = indices[i] * stride + 1;
      const value = values[i];
      for (let c = 0; c < scores.length; c++) scores[c] += value * packed[base + c];
    }
    return scores;
  }
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let c = 1; c < values.length; c++) if (values[c] > values[best]) best = c;
  return best;
}

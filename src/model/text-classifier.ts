import type { TextInput } from '../text';
import { probabilitiesFromLogScores } from './classifier/log-sum-exp';
import { NaiveBayesCounts, NaiveBayesModel } from './classifier/naive-bayes';
import type { TrainingConfig } from './config';
import { ModelArtifactError } from './artifacts/errors';
import { ARTIFACT_FILES, ARTIFACT_SCHEMA_VERSION, validateArtifacts, type ArtifactKeys, type ModelArtifacts } from './artifacts/schema';
import { recordFeatures } from './features';
import { SparseRow } from './vectorizer/sparse-row';
import { FittedVectorizer } from './vectorizer/vectorizer';

export interface Prediction {
  label: string;
  /** Posterior probability per label; they sum to 1. */
  probabilities: Record<string, number>;
}

/** How far the stored idf may drift from the one recomputed from document frequencies. */
const IDF_TOLERANCE = 1e-9;

/**
 * A fitted vectorizer and naive Bayes model with the config they were trained under. Not safe to
 * share between concurrent callers that interleave inside `predict` (there are none in Node: it
 * is synchronous and reuses scratch buffers).
 */
export class TextClassifier {
  readonly labels: string[];
  readonly config: TrainingConfig;
  readonly vectorizer: FittedVectorizer;
  readonly model: NaiveBayesModel;
  readonly trainedAt: string;
  private readonly counts: NaiveBayesCounts;
  private readonly prunedDfThreshold: number;
  /**
   * Per feature: its idf (1 without idf) followed by its k class log probabilities. Scoring a
   * document then reads one cache line per feature instead of one in each of two large arrays.
   */
  private readonly packed: Float64Array;
  private readonly row = new SparseRow();
  private readonly scores: Float64Array;
  private readonly probabilities: Float64Array;

  constructor(parts: {
    config: TrainingConfig;
    labels: string[];
    vectorizer: FittedVectorizer;
    counts: NaiveBayesCounts;
    trainedAt: string;
    prunedDfThreshold: number;
  }) {
    this.config = parts.config;
    this.labels = parts.labels;
    this.vectorizer = parts.vectorizer;
    this.counts = parts.counts;
    this.trainedAt = parts.trainedAt;
    this.prunedDfThreshold = parts.prunedDfThreshold;
    this.model = new NaiveBayesModel(parts.config.classifier, parts.labels, parts.counts);
    this.scores = new Float64Array(parts.labels.length);
    this.probabilities = new Float64Array(parts.labels.length);
    const k = parts.labels.length;
    const idf = parts.vectorizer.idf;
    const flp = this.model.featureLogProb;
    this.packed = new Float64Array(parts.vectorizer.featureCount * (k + 1));
    for (let j = 0; j < parts.vectorizer.featureCount; j++) {
      this.packed[j * (k + 1)] = idf ? idf[j] : 1;
      for (let c = 0; c < k; c++) this.packed[j * (k + 1) + 1 + c] = flp[j * k + c];
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
    const counts = new NaiveBayesCounts(k, v);
    counts.classCounts.set(model.classCounts);
    model.featureCounts.forEach((row, c) => {
      for (let j = 0; j < v; j++) counts.featureCounts[j * k + c] = row[j] as number;
    });
    try {
      return new TextClassifier({
        config: config.training,
        labels: model.labels,
        vectorizer,
        counts,
        trainedAt: model.trainedAt,
        prunedDfThreshold: preprocessor.prunedDfThreshold,
      });
    } catch (err) {
      throw new ModelArtifactError((err as Error).message, keys.config, { cause: err });
    }
  }

  /** Classifies a document given its feature tokens (`cleanDocument(...)[config.features]`). */
  predict(features: readonly string[]): Prediction {
    const probabilities = this.posterior(features);
    let best = 0;
    const result: Record<string, number> = {};
    for (let c = 0; c < this.labels.length; c++) {
      result[this.labels[c]] = probabilities[c];
      if (probabilities[c] > probabilities[best]) best = c;
    }
    return { label: this.labels[best], probabilities: result };
  }

  /** The winning label only: argmax of the joint log likelihood, no probabilities built. */
  predictLabel(features: readonly string[]): string {
    const scores = this.jointLogLikelihood(features);
    let best = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c] > scores[best]) best = c;
    return this.labels[best];
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
    const featureCounts = this.labels.map((_, c) => {
      const row = new Array<number>(v);
      for (let j = 0; j < v; j++) row[j] = this.counts.featureCounts[j * k + c];
      return row;
    });
    return {
      model: {
        schemaVersion: ARTIFACT_SCHEMA_VERSION,
        kind: 'naive-bayes',
        variant: this.config.classifier.variant,
        labels: [...this.labels],
        classCounts: Array.from(this.counts.classCounts),
        featureCounts,
        trainedAt: this.trainedAt,
      },
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

  private posterior(features: readonly string[]): Float64Array {
    return probabilitiesFromLogScores(this.jointLogLikelihood(features), this.probabilities);
  }

  /** NaiveBayesModel.jointLogLikelihood over the weighted row, reading the packed per-feature data. */
  private jointLogLikelihood(features: readonly string[]): Float64Array {
    const stride = this.labels.length + 1;
    const packed = this.packed;
    const row = this.vectorizer.countInto(features, this.row);
    this.vectorizer.weigh(row, this.vectorizer.idf ? packed : null, stride);
    const scores = this.scores;
    scores.set(this.model.classLogPrior);
    const { indices, values, length } = row;
    for (let i = 0; i < length; i++) {
      const base = indices[i] * stride + 1;
      const value = values[i];
      for (let c = 0; c < scores.length; c++) scores[c] += value * packed[base + c];
    }
    return scores;
  }
}

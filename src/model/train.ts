import { NaiveBayesCounts } from './classifier/naive-bayes';
import { isNaiveBayes } from './classifier/options';
import { LinearTrainer } from './linear/linear-trainer';
import { yieldToEventLoop } from './linear/yield';
import { validateTrainingConfig, type TrainingConfig } from './config';
import type { LabelledDoc } from './features';
import { TextClassifier, type FittedClassifier } from './text-classifier';
import { SparseRow } from './vectorizer/sparse-row';
import { featureIndexOf, TermStatistics } from './vectorizer/term-statistics';
import { FittedVectorizer } from './vectorizer/vectorizer';

export interface TrainingStats {
  documents: number;
  labelCounts: Record<string, number>;
  vocabularySize: number;
  /** Distinct n-grams held after the first pass (bounded by maxCandidateTerms). */
  candidateTerms: number;
  /** 0 if the first pass was exact; see VectorizerOptions.maxCandidateTerms. */
  prunedDfThreshold: number;
}

export interface TrainedModel {
  classifier: TextClassifier;
  stats: TrainingStats;
}

/**
 * Yields the training set shard by shard. Called once per pass, and must yield the same documents
 * each time: once if the first pass could keep every document's counts (see TrainOptions), else twice.
 */
export type ShardSource = () => AsyncIterable<LabelledDoc[]> | Iterable<LabelledDoc[]>;

/**
 * Two streaming passes over the shards: the first collects document frequencies (bounded memory,
 * see TermStatistics) and the labels; the second adds each vectorised document to its class's
 * counts (naive Bayes: memory is the candidate table plus k x V counts, whatever the number of
 * documents) or to the TF-IDF matrix a linear model is then fitted on (memory grows with the
 * documents' non-zeros). The first pass also keeps each document's n-grams while they fit a
 * bound (DocumentCounts); when all of them fit, the second pass reads those instead of the
 * shards, so a corpus of up to that size is read once.
 */
export interface TrainOptions {
  /**
   * Most n-gram occurrences the first pass keeps to spare the second pass over the shards (4 bytes
   * each; default: twice the vectorizer's maxCandidateTerms). 0 always reads the shards twice. The
   * model is the same either way.
   */
  firstPassCountsLimit?: number;
  /**
   * Awaited between iterations of a linear model's optimiser (default: yield to the event loop, so
   * heartbeats and timers keep running during a long fit).
   */
  onProgress?: (step: string) => void | Promise<void>;
}

export async function trainModel(shards: ShardSource, config: TrainingConfig, options: TrainOptions = {}): Promise<TrainedModel> {
  const checked = validateTrainingConfig(config);
  const statistics = new TermStatistics(checked.vectorizer, options.firstPassCountsLimit);
  // Labels numbered as first seen; the classes are numbered in sorted order once all are known.
  const labelIds = new Map<string, number>();
  const labelTally: number[] = [];
  for await (const shard of shards()) {
    for (const doc of shard) {
      let id = labelIds.get(doc.label);
      if (id === undefined) {
        id = labelTally.length;
        labelIds.set(doc.label, id);
        labelTally.push(0);
      }
      labelTally[id]++;
      statistics.addDocument(doc.features, id);
    }
  }
  if (statistics.documentCount === 0) throw new RangeError('cannot train on zero documents');

  const vocabulary = statistics.select();
  if (vocabulary.features.length === 0) {
    throw new RangeError('no terms left after minDf/maxDf/maxFeatures; lower minDf or raise maxDf');
  }
  const vectorizer = FittedVectorizer.fromSelection(checked.vectorizer, vocabulary);
  // np.unique order, as sklearn's classes_.
  const labels = [...labelIds.keys()].sort();
  const labelIndex = new Map(labels.map((label, c) => [label, c]));
  const classifierOptions = checked.classifier;
  const counts = isNaiveBayes(classifierOptions) ? new NaiveBayesCounts(labels.length, vectorizer.featureCount) : undefined;
  const linear = isNaiveBayes(classifierOptions) ? undefined : new LinearTrainer(classifierOptions, labels, vectorizer.featureCount);
  const row = new SparseRow();
  const add = (c: number) => {
    if (counts) counts.add(c, row);
    else linear?.add(c, row);
  };
  const cached = statistics.documentCounts;
  if (cached.complete) {
    // Every document's counts are at hand: the second pass reads them instead of the shards.
    const featureOf = featureIndexOf(vocabulary);
    const scratch = new Float64Array(vectorizer.featureCount);
    const classOf = Int32Array.from(labelIds.keys(), (label) => labelIndex.get(label) as number);
    for (let d = 0; d < cached.documentCount; d++) {
      cached.countInto(d, featureOf, scratch, row);
      vectorizer.weigh(row, vectorizer.idf, 1);
      add(classOf[cached.labelOf(d)]);
    }
    cached.abandon();
  } else {
    let secondPass = 0;
    for await (const shard of shards()) {
      for (const doc of shard) {
        const c = labelIndex.get(doc.label);
        if (c === undefined)
          throw new Error(`label ${JSON.stringify(doc.label)} appeared only in the second pass: shards() must replay the same documents`);
        vectorizer.transformInto(doc.features, row);
        add(c);
        secondPass++;
      }
    }
    if (secondPass !== statistics.documentCount) {
      throw new Error(
        `first pass saw ${statistics.documentCount} documents, second pass ${secondPass}: shards() must replay the same documents`,
      );
    }
  }

  const fitted: FittedClassifier = counts
    ? { kind: 'naive-bayes', counts }
    : { kind: 'linear', model: await (linear as LinearTrainer).fit(options.onProgress ?? yieldToEventLoop) };
  const classifier = new TextClassifier({
    config: checked,
    labels,
    vectorizer,
    fitted,
    trainedAt: new Date().toISOString(),
    prunedDfThreshold: vocabulary.prunedDfThreshold,
  });
  return {
    classifier,
    stats: {
      documents: statistics.documentCount,
      labelCounts: Object.fromEntries(labels.map((label) => [label, labelTally[labelIds.get(label) as number]])),
      vocabularySize: vectorizer.featureCount,
      candidateTerms: vocabulary.candidateTerms,
      prunedDfThreshold: vocabulary.prunedDfThreshold,
    },
  };
}

import {
  FittedVectorizer,
  isNaiveBayes,
  LinearTrainer,
  NaiveBayesCounts,
  SparseRow,
  TextClassifier,
  trainModel,
  validateTrainingConfig,
  type LabelledDoc,
  type TrainedModel,
  type TrainingConfig,
} from '../model';

/**
 * The engine's two training passes, split so that a fit can stop after either and resume:
 *
 *  1. vocabulary: document frequencies over every shard, then the minDf/maxDf/maxFeatures
 *     selection. The result (terms, their df, the labels) is small and JSON-safe: a checkpoint.
 *  2. counts: each shard vectorised and added to per-class sums. The sums after any number of
 *     whole shards are a checkpoint too (k x V numbers), and adding the remaining shards to them
 *     gives exactly the sums of an uninterrupted pass, in the same order, so the same floats.
 *
 * The engine exposes no first-pass API (TermStatistics is internal to src/model), so
 * `fitVocabulary` runs `trainModel` with a second pass of feature-less documents: it replays the
 * same labels, as trainModel requires, and costs no vectorising. trainModel is told to keep no
 * document counts: with them it would skip that pass and fit the classes (a linear model's whole
 * optimisation) from the counts, only for this to keep the vocabulary. The unit test pins that the
 * split fit equals trainModel's (test/unit/training/resumable-fit.test.ts).
 */

export interface VocabularyState {
  version: 1;
  terms: string[];
  documentFrequency: number[];
  documents: number;
  /** Sorted, as the engine orders classes. */
  labels: string[];
  labelCounts: Record<string, number>;
  candidateTerms: number;
  prunedDfThreshold: number;
  /** The model's trainedAt: fixed when the first pass ends, so a resumed fit keeps it. */
  trainedAt: string;
}

type LinearTrainerOptions = ConstructorParameters<typeof LinearTrainer>[0];

/** First pass. `shards` yields the featurised training set; `labels` the same rows' labels, in order. */
export async function fitVocabulary(
  shards: () => AsyncIterable<LabelledDoc[]>,
  labels: () => AsyncIterable<string[]>,
  config: TrainingConfig,
  now: () => Date = () => new Date(),
): Promise<VocabularyState> {
  let passes = 0;
  const { classifier, stats } = await trainModel(() => (++passes === 1 ? shards() : featureless(labels())), config, {
    firstPassCountsLimit: 0,
  });
  return {
    version: 1,
    terms: [...classifier.vectorizer.terms],
    documentFrequency: [...classifier.vectorizer.documentFrequency],
    documents: classifier.vectorizer.documents,
    labels: [...classifier.labels],
    labelCounts: stats.labelCounts,
    candidateTerms: stats.candidateTerms,
    prunedDfThreshold: stats.prunedDfThreshold,
    trainedAt: now().toISOString(),
  };
}

async function* featureless(labels: AsyncIterable<string[]>): AsyncGenerator<LabelledDoc[]> {
  for await (const shard of labels) yield shard.map((label) => ({ features: [], label }));
}

/**
 * Second pass, shard by shard, from scratch or (naive Bayes) from a snapshot taken after
 * `shardsDone` shards. A linear model collects the TF-IDF rows and is fitted in `finish`; its
 * pass has no snapshot (the matrix is as large as the data), so a retried linear fit resumes from
 * the vocabulary only.
 */
export class CountPass {
  private readonly config: TrainingConfig;
  private readonly vectorizer: FittedVectorizer;
  private readonly counts: NaiveBayesCounts;
  private readonly linear: LinearTrainer | undefined;
  private readonly labelIndex: Map<string, number>;
  private readonly row = new SparseRow();
  private done: number;

  constructor(
    config: TrainingConfig,
    private readonly vocabulary: VocabularyState,
    resume?: { shardsDone: number; snapshot: Uint8Array },
  ) {
    this.config = validateTrainingConfig(config);
    this.vectorizer = FittedVectorizer.fromTerms(
      this.config.vectorizer,
      vocabulary.terms,
      vocabulary.documentFrequency,
      vocabulary.documents,
    );
    // Naive Bayes sums, or (linear models) an empty placeholder: the rows go to the trainer.
    const naiveBayes = isNaiveBayes(this.config.classifier);
    this.counts = new NaiveBayesCounts(vocabulary.labels.length, naiveBayes ? this.vectorizer.featureCount : 0);
    this.linear = naiveBayes
      ? undefined
      : new LinearTrainer(this.config.classifier as LinearTrainerOptions, vocabulary.labels, this.vectorizer.featureCount);
    this.labelIndex = new Map(vocabulary.labels.map((label, c) => [label, c]));
    this.done = 0;
    if (resume) {
      if (this.linear) throw new RangeError("a linear model's pass cannot resume from a snapshot");
      const k = this.counts.labelCount;
      const expected = k + this.counts.featureCounts.length;
      if (resume.snapshot.byteLength !== expected * 8) {
        throw new RangeError(
          `counts snapshot has ${resume.snapshot.byteLength} bytes, expected ${expected * 8} for ${k} labels x ${this.counts.featureCount} terms`,
        );
      }
      // Copy into an aligned buffer: a Buffer read from a store may start at any byte offset.
      const values = new Float64Array(new Uint8Array(resume.snapshot).buffer);
      this.counts.classCounts.set(values.subarray(0, k));
      this.counts.featureCounts.set(values.subarray(k));
      this.done = resume.shardsDone;
    }
  }

  /** Whether `snapshot` can checkpoint this pass (naive Bayes only). */
  get checkpointable(): boolean {
    return this.linear === undefined;
  }

  /** Whole shards already added (the index of the next shard to add). */
  get shardsDone(): number {
    return this.done;
  }

  addShard(docs: readonly LabelledDoc[]): void {
    for (const doc of docs) {
      const c = this.labelIndex.get(doc.label);
      if (c === undefined)
        throw new Error(`label ${JSON.stringify(doc.label)} was not seen by the vocabulary pass: the shards changed between passes`);
      this.vectorizer.transformInto(doc.features, this.row);
      if (this.linear) this.linear.add(c, this.row);
      else this.counts.add(c, this.row);
    }
    this.done++;
  }

  /** Class counts then feature sums as float64 bytes (exact; machine byte order, read back by the same code). */
  snapshot(): Uint8Array {
    const values = new Float64Array(this.counts.classCounts.length + this.counts.featureCounts.length);
    values.set(this.counts.classCounts, 0);
    values.set(this.counts.featureCounts, this.counts.classCounts.length);
    return new Uint8Array(values.buffer);
  }

  /** The fitted model; a linear model's optimiser reports through `onProgress` (for heartbeats). */
  async finish(onProgress?: (step: string) => void | Promise<void>): Promise<TrainedModel> {
    const seen = this.linear ? this.linear.rows : this.counts.classCounts.reduce((a, b) => a + b, 0);
    if (seen !== this.vocabulary.documents) {
      throw new Error(`vocabulary pass saw ${this.vocabulary.documents} documents, count pass ${seen}: the shards changed between passes`);
    }
    const classifier = new TextClassifier({
      config: this.config,
      labels: this.vocabulary.labels,
      vectorizer: this.vectorizer,
      fitted: this.linear ? { kind: 'linear', model: await this.linear.fit(onProgress) } : { kind: 'naive-bayes', counts: this.counts },
      trainedAt: this.vocabulary.trainedAt,
      prunedDfThreshold: this.vocabulary.prunedDfThreshold,
    });
    return {
      classifier,
      stats: {
        documents: this.vocabulary.documents,
        labelCounts: this.vocabulary.labelCounts,
        vocabularySize: this.vectorizer.featureCount,
        candidateTerms: this.vocabulary.candidateTerms,
        prunedDfThreshold: this.vocabulary.prunedDfThreshold,
      },
    };
  }
}

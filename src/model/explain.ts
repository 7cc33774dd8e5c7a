import { cleanDocument, type TextInput } from '../text';
import type { Prediction, TextClassifier } from './text-classifier';
import { SparseRow } from './vectorizer/sparse-row';

/** One term's share in a decision: its weight in the document times how much it favours the label. */
export interface TermContribution {
  term: string;
  /** The term's value in the document's row (tf-idf or count, after normalisation). */
  weight: number;
  /**
   * weight × (log P(term | label) − mean log P(term | other labels)): the log-odds this term
   * adds for the label against the others. Positive pushes towards the label.
   */
  contribution: number;
}

export interface Explanation extends Prediction {
  sentiment: { compound: number; label: 'positive' | 'negative' | 'neutral' };
  /** Feature tokens the model saw (its config's token list), and how many the vocabulary knew. */
  tokens: number;
  knownFeatures: number;
  /** Terms that pushed most towards the predicted label, strongest first. */
  topTerms: TermContribution[];
}

/** log P(term | c) − mean over the other labels, for feature j. */
function logOdds(flp: Float64Array, j: number, c: number, k: number): number {
  if (k < 2) return 0;
  let others = 0;
  for (let o = 0; o < k; o++) if (o !== c) others += flp[j * k + o];
  return flp[j * k + c] - others / (k - 1);
}

/**
 * Scores one document and says why: the label and probabilities (exactly `predictRecord`), VADER
 * sentiment as the pipeline computes it, and the terms whose weighted log-odds favoured the
 * predicted label most. No workflow, no store: a model in memory and a text.
 */
export function explainDocument(classifier: TextClassifier, input: TextInput, topN = 10): Explanation {
  const features = classifier.featurize(input);
  const prediction = classifier.predict(features);
  const cleaned = cleanDocument(input, classifier.config.text);
  const { vectorizer, model, labels } = classifier;
  const k = labels.length;
  const c = labels.indexOf(prediction.label);
  const row = vectorizer.countInto(features, new SparseRow());
  vectorizer.weigh(row, vectorizer.idf, 1);
  const terms = vectorizer.terms;
  const contributions: TermContribution[] = [];
  for (let i = 0; i < row.length; i++) {
    const j = row.indices[i];
    const weight = row.values[i];
    contributions.push({ term: terms[j], weight, contribution: weight * logOdds(model.featureLogProb, j, c, k) });
  }
  contributions.sort((a, b) => b.contribution - a.contribution || (a.term < b.term ? -1 : 1));
  return {
    ...prediction,
    sentiment: cleaned.sentiment,
    tokens: features.length,
    knownFeatures: row.length,
    topTerms: contributions.filter((t) => t.contribution > 0).slice(0, topN),
  };
}

/**
 * The n-grams most indicative of each label: among the label's `pool` most probable terms, those
 * with the highest log-odds against the other labels (frequent and discriminative at once).
 */
export function topTermsPerLabel(
  classifier: TextClassifier,
  n = 15,
  pool = 2000,
): Record<string, Array<{ term: string; logOdds: number }>> {
  const { model, labels, vectorizer } = classifier;
  const k = labels.length;
  const v = vectorizer.featureCount;
  const flp = model.featureLogProb;
  const terms = vectorizer.terms;
  const out: Record<string, Array<{ term: string; logOdds: number }>> = {};
  labels.forEach((label, c) => {
    const byProbability = Array.from({ length: v }, (_, j) => j).sort((a, b) => flp[b * k + c] - flp[a * k + c]);
    out[label] = byProbability
      .slice(0, pool)
      .map((j) => ({ term: terms[j], logOdds: logOdds(flp, j, c, k) }))
      .sort((a, b) => b.logOdds - a.logOdds || (a.term < b.term ? -1 : 1))
      .slice(0, n);
  });
  return out;
}

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface Sentiment {
  compound: number;
  label: SentimentLabel;
}

/** VADER's published thresholds. */
export function sentimentLabel(compound: number): SentimentLabel {
  if (compound >= 0.05) return 'positive';
  if (compound <= -0.05) return 'negative';
  return 'neutral';
}

export { vaderCompound } from './vader';
export { spanishCompound } from './spanish';

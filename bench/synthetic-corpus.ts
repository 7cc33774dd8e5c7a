import { createRng } from '../src/model/evaluation/prng';

/**
 * A seeded generator of labelled review-like documents, for benchmarks that need more text than
 * the real corpora hold. Each class draws from shared Zipf-distributed filler words plus its own
 * indicative words, so a classifier has something real to learn and documents vary in length.
 */
export interface SyntheticDoc {
  id: string;
  title: string;
  body: string;
  label: 'positive' | 'negative';
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'to', 'sa', 'vel', 'dor', 'an', 'is', 'qu', 'pe', 'ri', 'mon', 'tal', 'ex'];
const POSITIVE = ['great', 'excellent', 'love', 'perfect', 'happy', 'recommend', 'wonderful', 'best', 'amazing', 'works well'];
const NEGATIVE = ['terrible', 'broken', 'waste', 'refund', 'disappointed', 'worst', 'poor', 'never again', 'awful', 'returned'];

export class SyntheticCorpus {
  private readonly random: () => number;
  private readonly vocabulary: string[];
  private readonly cumulative: Float64Array;

  constructor(seed = 7, vocabularySize = 20_000) {
    this.random = createRng(seed);
    const words = new Set<string>();
    const wordRandom = createRng(seed ^ 0x9e3779b9);
    while (words.size < vocabularySize) {
      const n = 2 + Math.floor(wordRandom() * 3);
      let w = '';
      for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(wordRandom() * SYLLABLES.length)];
      words.add(w);
    }
    this.vocabulary = [...words];
    this.cumulative = new Float64Array(vocabularySize);
    let total = 0;
    for (let r = 0; r < vocabularySize; r++) this.cumulative[r] = total += 1 / (r + 1);
    for (let r = 0; r < vocabularySize; r++) this.cumulative[r] /= total;
  }

  private zipfWord(): string {
    const u = this.random();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return this.vocabulary[lo];
  }

  next(index: number): SyntheticDoc {
    const label = this.random() < 0.5 ? 'positive' : 'negative';
    const cues = label === 'positive' ? POSITIVE : NEGATIVE;
    const length = 20 + Math.floor(this.random() * 60);
    const words: string[] = [];
    for (let i = 0; i < length; i++) {
      words.push(this.random() < 0.08 ? cues[Math.floor(this.random() * cues.length)] : this.zipfWord());
    }
    const title = `${this.zipfWord()} ${cues[Math.floor(this.random() * cues.length)]}`;
    return { id: `d${index}`, title, body: words.join(' ') + '.', label };
  }
}

import { createRng } from '../evaluation/prng';
import type { LabelledRecord } from './spam-assassin';

export interface SyntheticCorpusOptions {
  seed: number;
  /** Distinct content words of the background vocabulary. */
  vocabularySize: number;
  labels: readonly string[];
  /** Share of each label (same length as labels; normalised). */
  labelWeights: readonly number[];
  /** Content words that are characteristic of each label. */
  topicWords: number;
  /** Probability that a content word comes from the document's label topic instead of the background. */
  topicShare: number;
  /** Share of documents whose label is replaced by a random one (keeps accuracy below 100%). */
  labelNoise: number;
  meanWords: number;
}

export const SYNTHETIC_DEFAULTS: SyntheticCorpusOptions = Object.freeze({
  seed: 20240601,
  vocabularySize: 60_000,
  labels: ['billing', 'delivery', 'product', 'support'],
  labelWeights: [0.4, 0.3, 0.2, 0.1],
  topicWords: 3_000,
  topicShare: 0.2,
  labelNoise: 0.03,
  meanWords: 90,
});

// English function words with rough relative frequencies: documents look like prose to the
// cleaner (stopword removal has work to do) while the content words follow a Zipf law.
const FUNCTION_WORDS = [
  'the',
  'of',
  'and',
  'to',
  'a',
  'in',
  'is',
  'it',
  'that',
  'for',
  'was',
  'on',
  'with',
  'not',
  'this',
  'but',
  'very',
  'my',
  'i',
  'they',
];
const SYLLABLES = [
  'ka',
  're',
  'mo',
  'li',
  'sa',
  'ten',
  'dor',
  'vi',
  'lu',
  'ne',
  'pra',
  'sto',
  'fe',
  'gri',
  'ha',
  'jo',
  'qui',
  'bel',
  'cor',
  'min',
  'tra',
  'zu',
  'wel',
  'ox',
];

/** Draws indices 0..n-1 with probability proportional to 1 / (rank + 2.7)^exponent. */
class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(n: number, exponent: number) {
    this.cumulative = new Float64Array(n);
    let total = 0;
    for (let rank = 0; rank < n; rank++) {
      total += 1 / Math.pow(rank + 2.7, exponent);
      this.cumulative[rank] = total;
    }
    for (let rank = 0; rank < n; rank++) this.cumulative[rank] /= total;
  }

  sample(random: () => number): number {
    const u = random();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function pseudoWords(count: number, random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < count) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = '';
    for (let s = 0; s < syllables; s++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (random() < 0.15) word += random() < 0.5 ? 's' : 'ing';
    words.add(word);
  }
  return [...words];
}

/**
 * An endless, seeded stream of labelled documents with a realistic word-frequency law (Zipf over a
 * pseudo-word vocabulary, English function words, sentence punctuation and capitals). Each label
 * prefers its own topic words; generated in constant memory, so 1M documents need no storage.
 */
export function* syntheticCorpus(count: number, options: Partial<SyntheticCorpusOptions> = {}): Generator<LabelledRecord> {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  const random = createRng(o.seed);
  const vocabulary = pseudoWords(o.vocabularySize, random);
  const background = new ZipfSampler(o.vocabularySize, 1.07);
  const topicSampler = new ZipfSampler(o.topicWords, 1.0);
  // Topic words come from the middle of the frequency range, where a word is informative.
  const topics = o.labels.map(() => Array.from({ length: o.topicWords }, () => 200 + Math.floor(random() * (o.vocabularySize / 3))));
  const weightTotal = o.labelWeights.reduce((a, b) => a + b, 0);
  const functionSampler = new ZipfSampler(FUNCTION_WORDS.length, 1.0);

  for (let n = 0; n < count; n++) {
    let label = 0;
    for (let u = random() * weightTotal; label < o.labels.length - 1 && u >= o.labelWeights[label]; label++) u -= o.labelWeights[label];
    const length = Math.max(3, Math.round(o.meanWords * (0.3 + 1.4 * random())));
    const words: string[] = [];
    let sentenceStart = true;
    for (let i = 0; i < length; i++) {
      let word: string;
      if (random() < 0.4) word = FUNCTION_WORDS[functionSampler.sample(random)];
      else if (random() < o.topicShare) word = vocabulary[topics[label][topicSampler.sample(random)]];
      else word = vocabulary[background.sample(random)];
      if (sentenceStart) word = word[0].toUpperCase() + word.slice(1);
      sentenceStart = random() < 0.08;
      words.push(sentenceStart ? `${word}.` : word);
    }
    const observed = random() < o.labelNoise ? Math.floor(random() * o.labels.length) : label;
    yield { id: `synthetic/${o.seed}/${n}`, title: words.slice(0, 4).join(' '), body: words.join(' '), label: o.labels[observed] };
  }
}

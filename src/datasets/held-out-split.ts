import { cleanTokens } from '../text';

/**
 * A train / held-out split that shares no content across the two sides, for figures that mean
 * something: SpamAssassin repeats messages (resent, quoted, the same spam template with another
 * name or number), and a held-out message that is a copy of a training one measures memory, not
 * generalisation.
 *
 * Content is compared as the classifier sees it: the cleaned words (no markup, URLs, addresses or
 * punctuation; lower case) with every word holding a digit written `#`, so ids, dates and amounts
 * do not make two copies differ. Two documents are
 * - duplicates when those normalised words are equal: only the first is kept;
 * - near-duplicates when the Jaccard similarity of their sets of 4-word shingles is at least
 *   `nearDuplicateJaccard` (default 0.8): a held-out one is moved to the training side, together
 *   with whatever held-out document is in turn a near-duplicate of it.
 */
export interface HeldOutSplitOptions {
  /** Every `every`-th unique document (counting from 0, at index every - 1) is a held-out candidate. */
  every: number;
  nearDuplicateJaccard?: number;
}

export interface HeldOutSplit<T> {
  train: T[];
  heldOut: T[];
  /** Dropped because their normalised content repeats an earlier document. */
  duplicates: number;
  /** Held-out candidates moved to training as near-duplicates of training documents. */
  nearDuplicatesMoved: number;
}

const SHINGLE = 4;
export const DEFAULT_NEAR_DUPLICATE_JACCARD = 0.8;

/** The normalised words of a document (see the module comment). */
export function normalisedWords(text: string): string[] {
  return cleanTokens(text).map((w) => (/[0-9]/.test(w) ? '#' : w));
}

/**
 * Distinct 4-word shingles, each as a 32-bit hash of its words' ids (`vocabulary` gives every word
 * seen an id); a shorter document is its own single shingle. Numbers rather than strings: a corpus
 * has millions of shingles.
 */
export function shinglesOf(words: readonly string[], vocabulary: Map<string, number> = new Map()): Set<number> {
  const ids = words.map((w) => {
    let id = vocabulary.get(w);
    if (id === undefined) vocabulary.set(w, (id = vocabulary.size + 1));
    return id;
  });
  const out = new Set<number>();
  const span = Math.min(SHINGLE, ids.length);
  for (let i = 0; i + span <= ids.length && ids.length > 0; i++) {
    let h = 0x811c9dc5;
    for (let j = i; j < i + span; j++) h = Math.imul(h ^ ids[j]!, 0x01000193);
    out.add(h >>> 0);
  }
  return out;
}

export function jaccard<K>(a: ReadonlySet<K>, b: ReadonlySet<K>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/** Shingle -> documents holding it, to find candidate near-duplicates without comparing all pairs. */
class ShingleIndex {
  private readonly postings = new Map<number, number[]>();

  add(doc: number, shingles: ReadonlySet<number>): void {
    for (const s of shingles) {
      const list = this.postings.get(s);
      if (list) list.push(doc);
      else this.postings.set(s, [doc]);
    }
  }

  /** Documents whose shingle-set Jaccard with `shingles` reaches `threshold`. */
  similar(shingles: ReadonlySet<number>, sizeOf: (doc: number) => number, threshold: number): number[] {
    const shared = new Map<number, number>();
    for (const s of shingles) for (const doc of this.postings.get(s) ?? []) shared.set(doc, (shared.get(doc) ?? 0) + 1);
    const out: number[] = [];
    for (const [doc, n] of shared) if (n / (shingles.size + sizeOf(doc) - n) >= threshold) out.push(doc);
    return out;
  }
}

export function heldOutSplit<T>(items: readonly T[], textOf: (item: T) => string, options: HeldOutSplitOptions): HeldOutSplit<T> {
  const threshold = options.nearDuplicateJaccard ?? DEFAULT_NEAR_DUPLICATE_JACCARD;
  if (!Number.isInteger(options.every) || options.every < 2) throw new RangeError('every must be an integer >= 2');

  const unique: T[] = [];
  const shingles: Set<number>[] = [];
  const seen = new Set<string>();
  const vocabulary = new Map<string, number>();
  for (const item of items) {
    const words = normalisedWords(textOf(item));
    const key = words.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(item);
    shingles.push(shinglesOf(words, vocabulary));
  }
  const sizeOf = (doc: number) => shingles[doc]!.size;

  const heldOut = new Set<number>();
  const candidates = new ShingleIndex();
  unique.forEach((_, i) => {
    if (i % options.every !== options.every - 1) return;
    heldOut.add(i);
    candidates.add(i, shingles[i]!);
  });

  // Only the held-out candidates are indexed (a quarter of the shingles); every training document
  // is looked up in that index. A candidate close to a training document goes to training, and so,
  // in turn, do the candidates close to it (a chain of near-copies must not straddle the split).
  const moving: number[] = [];
  unique.forEach((_, i) => {
    if (!heldOut.has(i)) moving.push(...candidates.similar(shingles[i]!, sizeOf, threshold));
  });
  let moved = 0;
  while (moving.length > 0) {
    const doc = moving.pop()!;
    if (!heldOut.delete(doc)) continue;
    moved++;
    for (const other of candidates.similar(shingles[doc]!, sizeOf, threshold)) if (heldOut.has(other)) moving.push(other);
  }

  return {
    train: unique.filter((_, i) => !heldOut.has(i)),
    heldOut: unique.filter((_, i) => heldOut.has(i)),
    duplicates: items.length - unique.length,
    nearDuplicatesMoved: moved,
  };
}

import { ensureCapacity } from '../util/growable';

/**
 * Term counts keyed by the text vocabulary's word ids (see src/text/token-id-view.ts): a typed-array
 * increment per token instead of a hash lookup. Ids mean something only within one vocabulary epoch,
 * so the owner drains these counts into its counts by term before the epoch changes, and at the end.
 */
export class IdTermCounts {
  /** The vocabulary epoch the counts belong to (-1: none yet). */
  epoch = -1;
  private tf = new Float64Array(4096);
  private df = new Float64Array(4096);
  private lastDoc = new Float64Array(4096);
  /** Per id, whether the word is in the reference vocabulary: 0 not looked up yet, 1 yes, 2 no. */
  private inReference = new Uint8Array(4096);
  private readonly words: string[] = [];
  /** Ids counted since the last drain, in first-seen order. */
  private seen: number[] = [];

  /**
   * Counts a document's interned tokens (ids[i] >= 0) under document number `stamp`; returns how
   * many of them are absent from `reference` (0 without one).
   */
  addDocument(tokens: readonly string[], ids: Int32Array, stamp: number, reference?: ReadonlySet<string>): number {
    let unseen = 0;
    for (let i = 0; i < tokens.length; i++) {
      const id = ids[i];
      if (id < 0) continue;
      if (id >= this.tf.length) this.grow(id);
      if (this.tf[id] === 0) {
        this.words[id] = tokens[i];
        this.seen.push(id);
      }
      this.tf[id]++;
      if (this.lastDoc[id] !== stamp) {
        this.lastDoc[id] = stamp;
        this.df[id]++;
      }
      if (reference) {
        let known = this.inReference[id];
        if (known === 0) this.inReference[id] = known = reference.has(tokens[i]) ? 1 : 2;
        if (known === 2) unseen++;
      }
    }
    return unseen;
  }

  /** Hands every counted word to `fold` (term, document frequency, occurrences), then starts `nextEpoch` empty. */
  drain(fold: (term: string, df: number, tf: number) => void, nextEpoch: number): void {
    for (const id of this.seen) {
      fold(this.words[id], this.df[id], this.tf[id]);
      this.tf[id] = 0;
      this.df[id] = 0;
      this.lastDoc[id] = 0;
    }
    if (nextEpoch !== this.epoch) this.inReference.fill(0);
    this.seen = [];
    this.words.length = 0;
    this.epoch = nextEpoch;
  }

  private grow(id: number): void {
    this.tf = ensureCapacity(this.tf, id);
    this.df = ensureCapacity(this.df, id);
    this.lastDoc = ensureCapacity(this.lastDoc, id);
    this.inReference = ensureCapacity(this.inReference, id);
  }
}

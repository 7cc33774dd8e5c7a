const EMPTY = -1;
/**
 * Linear probing stays cheap up to ~0.7 load because a probe sequence stays within a cache line or
 * two; a fuller table keeps more of it in cache, which matters more (lookups are cache misses).
 */
const MAX_LOAD = 0.7;
/** Slot layout: first key, second key, value, tag (a slot fits one aligned 16-byte block). */
const STRIDE = 4;

/**
 * An open-addressing hash map from a pair of non-negative int32 keys to an int32 value plus an
 * int32 tag (-1 until set). N-grams are stored as (prefix n-gram id, last word id) pairs, so looking
 * one up never builds a string: the vectorizer's hot loop does one string lookup per token and
 * integer probes for the rest. Keys, value and tag share one array so a probe touches one cache
 * line, not four.
 */
export class PairTable {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.slots = new Int32Array(capacity * STRIDE).fill(EMPTY);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for (a, b), or -1. */
  get(a: number, b: number): number {
    const entry = this.find(a, b);
    return entry === EMPTY ? EMPTY : this.slots[entry + 2];
  }

  /** A handle on the entry of (a, b) for valueAt / tagAt / setTag, or -1; valid until the next insert. */
  find(a: number, b: number): number {
    const slots = this.slots;
    let slot = hashPair(a, b) & this.mask;
    for (;;) {
      const at = slot * STRIDE;
      const first = slots[at];
      if (first === EMPTY) return EMPTY;
      if (first === a && slots[at + 1] === b) return at;
      slot = (slot + 1) & this.mask;
    }
  }

  valueAt(entry: number): number {
    return this.slots[entry + 2];
  }

  tagAt(entry: number): number {
    return this.slots[entry + 3];
  }

  setTag(entry: number, tag: number): void {
    this.slots[entry + 3] = tag;
  }

  /**
   * The value of (a, b), or stores `value` for it and returns it: one probe sequence where a
   * get-then-insert would pay two cache misses on this (large, randomly accessed) table.
   */
  getOrInsert(a: number, b: number, value: number): number {
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) this.grow();
    const slots = this.slots;
    let slot = hashPair(a, b) & this.mask;
    for (;;) {
      const at = slot * STRIDE;
      const first = slots[at];
      if (first === EMPTY) {
        slots[at] = a;
        slots[at + 1] = b;
        slots[at + 2] = value;
        slots[at + 3] = EMPTY;
        this.count++;
        return value;
      }
      if (first === a && slots[at + 1] === b) return slots[at + 2];
      slot = (slot + 1) & this.mask;
    }
  }

  /** Stores (a, b) -> value (and tag); the pair must not be present yet. */
  insert(a: number, b: number, value: number, tag = EMPTY): void {
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) this.grow();
    const slots = this.slots;
    let slot = hashPair(a, b) & this.mask;
    while (slots[slot * STRIDE] !== EMPTY) slot = (slot + 1) & this.mask;
    const at = slot * STRIDE;
    slots[at] = a;
    slots[at + 1] = b;
    slots[at + 2] = value;
    slots[at + 3] = tag;
    this.count++;
  }

  /** Calls `visit` with each stored pair's keys. */
  forEachPair(visit: (a: number, b: number) => void): void {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += STRIDE) if (slots[at] !== EMPTY) visit(slots[at], slots[at + 1]);
  }

  /** Empties the table, keeping its capacity (no reallocation). */
  clear(): void {
    this.slots.fill(EMPTY);
    this.count = 0;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = new Int32Array(capacity * STRIDE).fill(EMPTY);
    this.mask = capacity - 1;
    this.count = 0;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at] !== EMPTY) this.insert(old[at], old[at + 1], old[at + 2], old[at + 3]);
    }
  }
}

/** Murmur3's finaliser over both keys: sequential ids must spread over the whole table. */
function hashPair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const EMPTY = -1;
const FNV_OFFSET = 0x811c9dc5 | 0;
/** Slot layout: hash, id, offset of the word's code units in the pool, length (16 bytes, one aligned block). */
const STRIDE = 4;

/** FNV-1a step over one UTF-16 code unit. */
function step(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/** Murmur3's finaliser: FNV alone leaves the low bits (the slot index) poorly mixed. */
function finish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash | 0;
}

/**
 * A set of words, each with an id (its insertion index), that can be looked up by a slice of a
 * larger text, optionally lower-cased on the fly (ASCII only). Cleaning and VADER scan every
 * character of every document; looking words up in place means no substring is built for a word
 * already known. A probe reads one 16-byte slot and, when the hashes match, the word's code units
 * from a flat pool: no pointer chasing through the heap, which matters on a busy machine where
 * every cache miss costs.
 */
export class WordTable {
  /** Start value of a hash fed with `hashStep` and passed to the `...Hashed` lookups. */
  static readonly HASH_START = FNV_OFFSET;
  static hashStep(hash: number, code: number): number {
    return step(hash, code);
  }

  readonly words: string[] = [];
  /** Code units of the longest word: a longer slice is not looked up at all. */
  maxLength = 0;
  private slots: Int32Array;
  private mask: number;
  private pool: Uint16Array;
  private poolLength = 0;
  /**
   * One bit per value of the hash's top 16 bits: 8 KiB that stay in the first-level cache and
   * answer "not in the table" for most absent words without touching the (larger) slot array.
   */
  private readonly filter = new Int32Array(2048);

  constructor(words: Iterable<string> = [], expected = 1024) {
    let capacity = 16;
    while (capacity < 2 * expected) capacity *= 2;
    this.slots = new Int32Array(capacity * STRIDE).fill(EMPTY);
    this.mask = capacity - 1;
    this.pool = new Uint16Array(Math.max(64, expected * 8));
    for (const word of words) this.add(word);
  }

  get size(): number {
    return this.words.length;
  }

  /** The word's id (existing or new). */
  add(word: string): number {
    const hash = hashOf(word);
    const found = this.probeExact(hash, word, 0, word.length);
    if (found !== EMPTY) return found;
    if (2 * (this.words.length + 1) > this.mask + 1) this.grow();
    const id = this.words.length;
    this.words.push(word);
    if (word.length > this.maxLength) this.maxLength = word.length;
    if (this.poolLength + word.length > this.pool.length) {
      const grown = new Uint16Array(Math.max(this.pool.length * 2, this.poolLength + word.length));
      grown.set(this.pool);
      this.pool = grown;
    }
    const offset = this.poolLength;
    for (let i = 0; i < word.length; i++) this.pool[offset + i] = word.charCodeAt(i);
    this.poolLength += word.length;
    this.place(hash, id, offset, word.length);
    return id;
  }

  /** The id of `word`, or -1. */
  get(word: string): number {
    return this.probeExact(hashOf(word), word, 0, word.length);
  }

  /**
   * The id of `text.slice(start, end)` lower-cased, or -1, for an ASCII slice (the caller checks:
   * only A-Z are folded, as `toLowerCase` does for ASCII).
   */
  getAsciiLower(text: string, start: number, end: number): number {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      hash = step(hash, c >= 65 && c <= 90 ? c | 32 : c);
    }
    return this.probeFolded(finish(hash), text, start, end);
  }

  /** The id of `text.slice(start, end)` compared code unit by code unit, or -1; `partialHash` from `hashStep` over the slice. */
  getExactHashed(text: string, start: number, end: number, partialHash: number): number {
    return this.probeExact(finish(partialHash), text, start, end);
  }

  /**
   * `getAsciiLower` for code units held in a typed array (A-Z folded), with the hash of the folded
   * units already computed by the caller's scan (`hashStep` from HASH_START).
   */
  getFoldedUnitsHashed(units: Uint16Array, start: number, end: number, partialHash: number): number {
    const hash = finish(partialHash);
    const top = hash >>> 16;
    if ((this.filter[top >>> 5] & (1 << (top & 31))) === 0) return EMPTY;
    const slots = this.slots;
    const pool = this.pool;
    const length = end - start;
    // Starts one slot early so the step to the next slot runs on every probe, not only on a
    // collision: an operation V8 has never seen run makes optimised code bail out when it first does.
    let slot = (hash - 1) & this.mask;
    for (;;) {
      slot = (slot + 1) & this.mask;
      const at = slot * STRIDE;
      const id = slots[at + 1];
      if (id === EMPTY) return EMPTY;
      if (slots[at] === hash && slots[at + 3] === length) {
        const offset = slots[at + 2] - start;
        let i = start;
        for (; i < end; i++) {
          const c = units[i];
          if (pool[offset + i] !== (c >= 65 && c <= 90 ? c | 32 : c)) break;
        }
        if (i === end) return id;
      }
    }
  }

  /** The id of the word whose code units are bytes[start, end) (Latin-1), or -1; `partialHash` from `hashStep` over them. */
  getBytesHashed(bytes: Uint8Array, start: number, end: number, partialHash: number): number {
    const hash = finish(partialHash);
    const top = hash >>> 16;
    if ((this.filter[top >>> 5] & (1 << (top & 31))) === 0) return EMPTY;
    const slots = this.slots;
    const pool = this.pool;
    const length = end - start;
    // Starts one slot early so the step to the next slot runs on every probe, not only on a
    // collision: an operation V8 has never seen run makes optimised code bail out when it first does.
    let slot = (hash - 1) & this.mask;
    for (;;) {
      slot = (slot + 1) & this.mask;
      const at = slot * STRIDE;
      const id = slots[at + 1];
      if (id === EMPTY) return EMPTY;
      if (slots[at] === hash && slots[at + 3] === length) {
        const offset = slots[at + 2] - start;
        let i = start;
        while (i < end && pool[offset + i] === bytes[i]) i++;
        if (i === end) return id;
      }
    }
  }

  /** `getBytesHashed` for UTF-16 code units (its own copy: each array type keeps its loop monomorphic). */
  getUnitsHashed(units: Uint16Array, start: number, end: number, partialHash: number): number {
    const hash = finish(partialHash);
    const top = hash >>> 16;
    if ((this.filter[top >>> 5] & (1 << (top & 31))) === 0) return EMPTY;
    const slots = this.slots;
    const pool = this.pool;
    const length = end - start;
    // Starts one slot early so the step to the next slot runs on every probe, not only on a
    // collision: an operation V8 has never seen run makes optimised code bail out when it first does.
    let slot = (hash - 1) & this.mask;
    for (;;) {
      slot = (slot + 1) & this.mask;
      const at = slot * STRIDE;
      const id = slots[at + 1];
      if (id === EMPTY) return EMPTY;
      if (slots[at] === hash && slots[at + 3] === length) {
        const offset = slots[at + 2] - start;
        let i = start;
        while (i < end && pool[offset + i] === units[i]) i++;
        if (i === end) return id;
      }
    }
  }

  // Two copies of one loop (exact, ASCII-folded) rather than one with a flag: each stays small
  // enough for V8 to inline into the scanning loops that call it once per word.
  private probeExact(hash: number, text: string, start: number, end: number): number {
    const top = hash >>> 16;
    if ((this.filter[top >>> 5] & (1 << (top & 31))) === 0) return EMPTY;
    const slots = this.slots;
    const pool = this.pool;
    const length = end - start;
    // Starts one slot early so the step to the next slot runs on every probe, not only on a
    // collision: an operation V8 has never seen run makes optimised code bail out when it first does.
    let slot = (hash - 1) & this.mask;
    for (;;) {
      slot = (slot + 1) & this.mask;
      const at = slot * STRIDE;
      const id = slots[at + 1];
      if (id === EMPTY) return EMPTY;
      if (slots[at] === hash && slots[at + 3] === length) {
        const offset = slots[at + 2] - start;
        let i = start;
        while (i < end && pool[offset + i] === text.charCodeAt(i)) i++;
        if (i === end) return id;
      }
    }
  }

  private probeFolded(hash: number, text: string, start: number, end: number): number {
    const top = hash >>> 16;
    if ((this.filter[top >>> 5] & (1 << (top & 31))) === 0) return EMPTY;
    const slots = this.slots;
    const pool = this.pool;
    const length = end - start;
    // Starts one slot early so the step to the next slot runs on every probe, not only on a
    // collision: an operation V8 has never seen run makes optimised code bail out when it first does.
    let slot = (hash - 1) & this.mask;
    for (;;) {
      slot = (slot + 1) & this.mask;
      const at = slot * STRIDE;
      const id = slots[at + 1];
      if (id === EMPTY) return EMPTY;
      if (slots[at] === hash && slots[at + 3] === length) {
        const offset = slots[at + 2] - start;
        let i = start;
        for (; i < end; i++) {
          const c = text.charCodeAt(i);
          if (pool[offset + i] !== (c >= 65 && c <= 90 ? c | 32 : c)) break;
        }
        if (i === end) return id;
      }
    }
  }

  private place(hash: number, id: number, offset: number, length: number): void {
    const top = hash >>> 16;
    this.filter[top >>> 5] |= 1 << (top & 31);
    let slot = hash & this.mask;
    while (this.slots[slot * STRIDE + 1] !== EMPTY) slot = (slot + 1) & this.mask;
    const at = slot * STRIDE;
    this.slots[at] = hash;
    this.slots[at + 1] = id;
    this.slots[at + 2] = offset;
    this.slots[at + 3] = length;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = new Int32Array(capacity * STRIDE).fill(EMPTY);
    this.mask = capacity - 1;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at + 1] !== EMPTY) this.place(old[at], old[at + 1], old[at + 2], old[at + 3]);
    }
  }
}

export function hashOf(word: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) hash = step(hash, word.charCodeAt(i));
  return finish(hash);
}

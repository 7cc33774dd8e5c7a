/** Bits per stored pair: about 1 in 16 absent pairs gets past the filter (one hash, 16 bits each). */
const BITS_PER_PAIR = 16;

/**
 * A one-hash Bloom filter over (int, int) pairs, built once over a table that no longer changes.
 * Most bigrams of a document are not features, and each miss in the pair table costs a cache miss
 * in a table of megabytes; this filter is 2 bytes per pair (a few hundred kilobytes, which stay
 * in cache) and turns away about 15 of 16 such misses before they reach the table.
 */
export class PairFilter {
  private readonly bits: Int32Array;
  private readonly mask: number;

  constructor(pairs: number) {
    let size = 64;
    while (size < pairs * BITS_PER_PAIR) size *= 2;
    this.bits = new Int32Array(size >>> 5);
    this.mask = size - 1;
  }

  add(a: number, b: number): void {
    const bit = filterHash(a, b) & this.mask;
    this.bits[bit >>> 5] |= 1 << (bit & 31);
  }

  /** False: (a, b) was never added. True: it probably was. */
  mayContain(a: number, b: number): boolean {
    const bit = filterHash(a, b) & this.mask;
    return (this.bits[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }
}

/** A mix independent of the pair table's own hash, so the filter's false positives are not its collisions. */
function filterHash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

/** One document's non-zero features; reused across documents so transforming allocates nothing. */
export class SparseRow {
  indices: Int32Array;
  values: Float64Array;
  length = 0;

  constructor(capacity = 256) {
    this.indices = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
  }

  ensure(capacity: number): void {
    if (capacity <= this.indices.length) return;
    let size = this.indices.length * 2;
    while (size < capacity) size *= 2;
    this.indices = new Int32Array(size);
    this.values = new Float64Array(size);
  }

  /**
   * Takes the first `listed` features of `indices` (this row's own array, filled by `tally`) with
   * their counts from `counts`, which is left zeroed for the next document.
   */
  takeCounts(counts: Float64Array, listed: number): this {
    const { indices, values } = this;
    for (let k = 0; k < listed; k++) {
      values[k] = counts[indices[k]];
      counts[indices[k]] = 0;
    }
    this.length = listed;
    return this;
  }

  /** A copy as a plain map from feature index to value, for inspection and tests. */
  toMap(): Map<number, number> {
    const map = new Map<number, number>();
    for (let k = 0; k < this.length; k++) map.set(this.indices[k], this.values[k]);
    return map;
  }
}

/**
 * Counts one occurrence of `feature` (-1: not a feature) in `counts`, listing it in `indices` the
 * first time it occurs, so features come out in order of first occurrence; returns the new number
 * listed.
 */
export function tally(counts: Float64Array, indices: Int32Array, listed: number, feature: number): number {
  if (feature < 0) return listed;
  if (counts[feature] === 0) indices[listed++] = feature;
  counts[feature]++;
  return listed;
}

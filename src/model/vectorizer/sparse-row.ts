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

  /** A copy as a plain map from feature index to value, for inspection and tests. */
  toMap(): Map<number, number> {
    const map = new Map<number, number>();
    for (let k = 0; k < this.length; k++) map.set(this.indices[k], this.values[k]);
    return map;
  }
}

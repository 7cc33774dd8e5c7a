import type { SparseRow } from '../vectorizer/sparse-row';

/**
 * Rows of TF-IDF values in compressed sparse row form (what scikit-learn fits its linear models
 * on): 12 bytes per non-zero. Linear models, unlike naive Bayes, need every row at every
 * iteration, so this is the memory a linear fit costs.
 */
export class SparseMatrix {
  /** Row r holds indices[rowStart[r], rowStart[r + 1]). */
  rowStart: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  rows = 0;
  private nnz = 0;

  constructor(expectedRows = 1024, expectedNonZeros = 65536) {
    this.rowStart = new Int32Array(expectedRows + 1);
    this.indices = new Int32Array(expectedNonZeros);
    this.values = new Float64Array(expectedNonZeros);
  }

  get nonZeros(): number {
    return this.nnz;
  }

  addRow(row: SparseRow): void {
    const need = this.nnz + row.length;
    if (need > this.indices.length) {
      let size = this.indices.length * 2;
      while (size < need) size *= 2;
      const indices = new Int32Array(size);
      indices.set(this.indices.subarray(0, this.nnz));
      const values = new Float64Array(size);
      values.set(this.values.subarray(0, this.nnz));
      this.indices = indices;
      this.values = values;
    }
    if (this.rows + 2 > this.rowStart.length) {
      const grown = new Int32Array(this.rowStart.length * 2);
      grown.set(this.rowStart);
      this.rowStart = grown;
    }
    this.indices.set(row.indices.subarray(0, row.length), this.nnz);
    this.values.set(row.values.subarray(0, row.length), this.nnz);
    this.nnz = need;
    this.rows++;
    this.rowStart[this.rows] = need;
  }

  /** The rows `picked` (in that order) as a new matrix. */
  select(picked: ArrayLike<number>): SparseMatrix {
    let total = 0;
    for (let i = 0; i < picked.length; i++) total += this.rowStart[picked[i] + 1] - this.rowStart[picked[i]];
    const out = new SparseMatrix(picked.length, Math.max(1, total));
    let at = 0;
    for (let i = 0; i < picked.length; i++) {
      const from = this.rowStart[picked[i]];
      const to = this.rowStart[picked[i] + 1];
      out.indices.set(this.indices.subarray(from, to), at);
      out.values.set(this.values.subarray(from, to), at);
      at += to - from;
      out.rowStart[i + 1] = at;
    }
    out.rows = picked.length;
    out.nnz = at;
    return out;
  }
}

import { ensureCapacity } from './growable';
import type { SparseRow } from './sparse-row';

/**
 * Each document's n-gram counts as the first training pass saw them: per document, its distinct
 * n-gram nodes in the order a transform meets them, with their counts, and a caller's label id.
 * While it is complete, training needs no second pass over the shards (reading and splitting
 * them again, a string hash per token and a table probe per n-gram): it maps the nodes to
 * features instead. Bounded: it holds at most `limit` (document, n-gram) entries and is
 * abandoned (`complete` false, memory released) past that, or when the first pass prunes its
 * table (earlier documents' nodes are then no longer exact).
 */
export class DocumentCounts {
  private nodes = new Int32Array(1 << 12);
  private counts = new Int32Array(1 << 12);
  /** Per document: one past its last entry. */
  private ends = new Int32Array(1 << 8);
  /** Per document: the label id given to endDocument. */
  private labels = new Int32Array(1 << 8);
  private documents = 0;
  private abandoned = false;

  private readonly limit: number;

  /** `limit`: most entries held, a non-negative integer (0: none; entries are int32-indexed, so at most 2^31 - 1). */
  constructor(limit: number) {
    if (!(Number.isInteger(limit) && limit >= 0)) throw new RangeError(`firstPassCountsLimit must be an integer >= 0, got ${limit}`);
    this.limit = Math.min(limit, 2 ** 31 - 1);
    if (this.limit === 0) this.abandon();
  }

  get complete(): boolean {
    return !this.abandoned;
  }

  get documentCount(): number {
    return this.documents;
  }

  /** Stores the first occurrence in the current document of `node` as `entry` (entries are numbered densely from 0). */
  first(entry: number, node: number): void {
    if (this.abandoned) return;
    if (entry >= this.limit) {
      this.abandon();
      return;
    }
    if (entry >= this.nodes.length) {
      this.nodes = ensureCapacity(this.nodes, entry);
      this.counts = ensureCapacity(this.counts, entry);
    }
    this.nodes[entry] = node;
    this.counts[entry] = 1;
  }

  /** Counts another occurrence of the entry's n-gram in the current document. */
  again(entry: number): void {
    if (!this.abandoned) this.counts[entry]++;
  }

  /** Closes the current document: `end` is one past its last entry. */
  endDocument(end: number, label: number): void {
    if (this.abandoned) return;
    const document = this.documents++;
    if (document >= this.ends.length) {
      this.ends = ensureCapacity(this.ends, document);
      this.labels = ensureCapacity(this.labels, document);
    }
    this.ends[document] = end;
    this.labels[document] = label;
  }

  /** Stops storing and releases the memory held. */
  abandon(): void {
    this.abandoned = true;
    this.nodes = this.counts = this.ends = this.labels = new Int32Array(0);
  }

  labelOf(document: number): number {
    return this.labels[document];
  }

  /**
   * Writes the document's raw feature counts into `row`, in the order FittedVectorizer.countInto
   * would (so the weights and their norm come out bit for bit the same). `featureOf[node]` is the
   * node's feature index, or -1.
   */
  countInto(document: number, featureOf: Int32Array, row: SparseRow): SparseRow {
    const start = document === 0 ? 0 : this.ends[document - 1];
    const end = this.ends[document];
    row.ensure(end - start);
    const { indices, values } = row;
    const { nodes, counts } = this;
    let nnz = 0;
    for (let entry = start; entry < end; entry++) {
      const feature = featureOf[nodes[entry]];
      if (feature < 0) continue;
      indices[nnz] = feature;
      values[nnz++] = counts[entry];
    }
    row.length = nnz;
    return row;
  }
}

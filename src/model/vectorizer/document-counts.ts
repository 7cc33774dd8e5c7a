import { ensureCapacity } from '../../util/growable';
import { tally, type SparseRow } from './sparse-row';

/** Entries per chunk (2^16: 256 KiB of node ids). */
const CHUNK_BITS = 16;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;

/**
 * Each document's n-grams as the first training pass met them: the node of every occurrence, in
 * the order a transform meets them, and a caller's label id per document. While it is complete,
 * training needs no second pass over the shards (reading and splitting them again, a string hash
 * per token and a table probe per n-gram): it maps the nodes to features instead. Bounded: it holds
 * at most `limit` occurrences (4 bytes each) and is abandoned (`complete` false, memory released)
 * past that, or when the first pass prunes its table (earlier documents' nodes are then no longer
 * exact). Occurrences live in fixed-size chunks rather than one growing array: nothing is copied as
 * it grows and it allocates about half the bytes, which matters because V8 collects garbage in
 * proportion to the off-heap memory allocated.
 */
export class DocumentCounts {
  /** Occurrence e is chunks[e >> CHUNK_BITS][e & CHUNK_MASK]. */
  private chunks: Int32Array[] = [];
  private size = 0;
  /** Occurrences `add` can store without a new chunk (0 once abandoned): the hot path's one check. */
  private capacity = 0;
  /** Per document: one past its last occurrence. */
  private ends = new Int32Array(1 << 8);
  /** Per document: the label id given to endDocument. */
  private labels = new Int32Array(1 << 8);
  private documents = 0;
  private abandoned = false;
  private readonly limit: number;

  /** `limit`: most occurrences held, a non-negative integer (0: none; int32-indexed, so at most 2^31 - 1). */
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

  /** Appends an occurrence of `node` to the current document. */
  add(node: number): void {
    const size = this.size;
    if (size < this.capacity) {
      this.chunks[size >>> CHUNK_BITS][size & CHUNK_MASK] = node;
      this.size = size + 1;
    } else if (!this.abandoned) {
      this.grow(node);
    }
  }

  /** Closes the current document. */
  endDocument(label: number): void {
    if (this.abandoned) return;
    const document = this.documents++;
    if (document >= this.ends.length) {
      this.ends = ensureCapacity(this.ends, document);
      this.labels = ensureCapacity(this.labels, document);
    }
    this.ends[document] = this.size;
    this.labels[document] = label;
  }

  /** Stops storing and releases the memory held. */
  abandon(): void {
    this.abandoned = true;
    this.capacity = 0;
    this.chunks = [];
    this.ends = this.labels = new Int32Array(0);
  }

  labelOf(document: number): number {
    return this.labels[document];
  }

  /**
   * Writes the document's raw feature counts into `row`, features in order of first occurrence as
   * FittedVectorizer.countInto lists them (so the weights and their norm come out bit for bit the
   * same). `featureOf[node]` is the node's feature index, or -1; `scratch` holds one zero per
   * feature and is left zeroed.
   */
  countInto(document: number, featureOf: Int32Array, scratch: Float64Array, row: SparseRow): SparseRow {
    const start = document === 0 ? 0 : this.ends[document - 1];
    const end = this.ends[document];
    row.ensure(Math.min(end - start, scratch.length));
    const { indices } = row;
    const chunks = this.chunks;
    let nnz = 0;
    for (let at = start; at < end; at++) nnz = tally(scratch, indices, nnz, featureOf[chunks[at >>> CHUNK_BITS][at & CHUNK_MASK]]);
    return row.takeCounts(scratch, nnz);
  }

  /** Adds a chunk for the occurrence, or abandons at the limit. */
  private grow(node: number): void {
    if (this.size >= this.limit) {
      this.abandon();
      return;
    }
    this.chunks.push(new Int32Array(CHUNK_MASK + 1));
    this.capacity = Math.min(this.chunks.length * (CHUNK_MASK + 1), this.limit);
    this.add(node);
  }
}

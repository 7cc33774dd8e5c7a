/**
 * Wraps the caller's chunk iterator so the first bytes can be inspected for format detection and
 * then replayed, and so the source is closed if parsing stops early.
 */
export class ByteInput {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private readonly pending: Buffer[] = [];
  private exhausted = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  get done(): boolean {
    return this.exhausted;
  }

  /**
   * Reads chunks until `size` bytes are available or the stream ends, and returns a copy of the
   * first (at most) `size` bytes. The chunks themselves are kept for `chunks()`.
   */
  async readHead(size: number): Promise<Buffer> {
    let total = 0;
    while (total < size) {
      const last = this.pending.length - 1;
      // The source may reuse a chunk's memory once we ask for the next one, so a chunk kept across
      // that request is copied first (less than `size` bytes in all).
      if (last >= 0) this.pending[last] = Buffer.from(this.pending[last]!);
      const chunk = await this.nextChunk();
      if (chunk === null) break;
      this.pending.push(chunk);
      total += chunk.length;
    }
    if (this.pending.length === 1 && total <= size) return this.pending[0]!;
    return Buffer.concat(this.pending, Math.min(total, size));
  }

  /** The head chunks, then the rest of the stream; the first `skip` bytes are dropped (the BOM). */
  async *chunks(skip: number): AsyncGenerator<Buffer, void, undefined> {
    let toSkip = skip;
    for (;;) {
      const chunk = this.pending.length > 0 ? this.pending.shift()! : await this.nextChunk();
      if (chunk === null) return;
      if (toSkip >= chunk.length) {
        toSkip -= chunk.length;
        continue;
      }
      yield toSkip > 0 ? chunk.subarray(toSkip) : chunk;
      toSkip = 0;
    }
  }

  /** Lets the source release its resources (e.g. close a file) when reading stopped early. */
  async close(): Promise<void> {
    if (this.exhausted) return;
    this.exhausted = true;
    await this.iterator.return?.();
  }

  private async nextChunk(): Promise<Buffer | null> {
    if (this.exhausted) return null;
    for (;;) {
      const result = await this.iterator.next();
      if (result.done === true) {
        this.exhausted = true;
        return null;
      }
      const chunk = toBuffer(result.value);
      if (chunk.length > 0) return chunk;
    }
  }
}

/** A Buffer view of the chunk without copying; rejects strings so a mis-set stream encoding is caught. */
function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`readRecords: the source must yield Uint8Array chunks, got ${typeof chunk}; do not set an encoding on the stream`);
}

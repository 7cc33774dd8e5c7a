/** JSON Lines helpers for shard-sized objects (a shard fits in memory by construction). */

export function toJsonl(records: readonly unknown[]): string {
  let out = '';
  for (const record of records) out += JSON.stringify(record) + '\n';
  return out;
}

/** Lines are gathered into strings of about this many characters, each then encoded at once. */
const CHUNK_CHARS = 1 << 16;

/**
 * Collects JSON lines into UTF-8 chunks of about CHUNK_CHARS, for a part written once it is
 * whole. A line's string (and the record it came from) dies within a few rows, before the next
 * young-generation collection: gathered until the part's end instead, each line survived two
 * scavenges, which copied it each time, and was then promoted; the shard stage spent three times
 * as long in scavenges.
 */
export class JsonlBuffer {
  private readonly chunks: Buffer[] = [];
  private current = '';
  push(line: string): void {
    this.current += line + '\n';
    if (this.current.length >= CHUNK_CHARS) {
      this.chunks.push(Buffer.from(this.current));
      this.current = '';
    }
  }

  /** The lines so far as one UTF-8 part; the buffer starts empty again. */
  toBytes(): Buffer {
    if (this.current) this.chunks.push(Buffer.from(this.current));
    this.current = '';
    const bytes = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return bytes;
  }
}

/**
 * A JSON Lines text's values one at a time, blank lines skipped, so a reader that folds them as it
 * goes never holds them all; a line that is not JSON fails naming its number.
 */
export function* jsonlValues<T>(text: string, key: string): Generator<T, void, undefined> {
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    let value: T;
    try {
      value = JSON.parse(line) as T;
    } catch {
      throw new Error(`${key}: line ${lineNo} is not valid JSON`);
    }
    yield value;
  }
}

export function parseJsonl<T>(content: Buffer | string, key: string): T[] {
  return Array.from(jsonlValues<T>(typeof content === 'string' ? content : content.toString('utf8'), key));
}

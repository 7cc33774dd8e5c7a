import { InputFileError, readRecords, type ParsedRow, type ReadOptions } from '../../../src/input';

export function bytesOf(data: string | Uint8Array): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}

/**
 * Streams `data` in chunks of `size` bytes. Each chunk is copied into one reused buffer, as a
 * pooled reader would do, so a parser that keeps views into old chunks gets corrupted output.
 */
export async function* chunked(data: string | Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  const all = bytesOf(data);
  const scratch = Buffer.alloc(size);
  for (let i = 0; i < all.length; i += size) {
    const n = all.copy(scratch, 0, i, Math.min(i + size, all.length));
    yield scratch.subarray(0, n);
    scratch.fill(0x3f); // "?" garbage: anything still referencing the old chunk breaks visibly
  }
}

export interface ReadResult {
  rows: ParsedRow[];
  error: InputFileError | null;
}

/** Reads everything; an InputFileError is returned (with the rows before it), anything else thrown. */
export async function readAll(data: string | Uint8Array, options: ReadOptions, chunkSize = 64 * 1024): Promise<ReadResult> {
  const rows: ParsedRow[] = [];
  try {
    for await (const row of readRecords(chunked(data, chunkSize), options)) rows.push(row);
  } catch (error) {
    if (error instanceof InputFileError) return { rows, error };
    throw error;
  }
  return { rows, error: null };
}

/** Like readAll but fails the test on an InputFileError. */
export async function rowsOf(data: string | Uint8Array, options: ReadOptions, chunkSize?: number): Promise<ParsedRow[]> {
  const { rows, error } = await readAll(data, options, chunkSize);
  if (error !== null) throw new Error(`unexpected InputFileError ${error.code}: ${error.message}`);
  return rows;
}

export async function fileErrorOf(data: string | Uint8Array, options: ReadOptions): Promise<InputFileError> {
  const { error } = await readAll(data, options);
  if (error === null) throw new Error('expected an InputFileError');
  return error;
}

export function oks(rows: ParsedRow[]) {
  return rows.flatMap((row) => (row.ok ? [row.record] : []));
}

export function rejects(rows: ParsedRow[]) {
  return rows.flatMap((row) => (row.ok ? [] : [row.rejected]));
}

/** Compact view for assertions: `line:reason` for rejections, `line:body` for records. */
export function summary(rows: ParsedRow[]): string[] {
  return rows.map((row) =>
    row.ok ? `${row.record.line}:${row.record.body}` : `${row.rejected.line}-${row.rejected.endLine}:${row.rejected.reason}`,
  );
}

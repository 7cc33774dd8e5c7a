import { utf8BomLength } from './bom';
import { ByteInput } from './byte-input';
import { DETECT_HEAD_BYTES, detectDelimiter, detectFromHead, extensionOf, GZIP_EXTENSION, isGzip } from './detect';
import { emptyFileError, InputFileError } from './errors';
import { AmazonPolarityRowBuilder } from './formats/amazon-polarity';
import { CsvRowBuilder } from './formats/csv';
import { JsonLinesRowBuilder } from './formats/jsonl';
import type { RowBuilder } from './formats/row-builder';
import { TextRowBuilder } from './formats/text';
import { gunzipChunks } from './gunzip';
import { RecordScanner } from './record-scanner';
import { DEFAULT_MAX_RECORD_BYTES, type Delimiter, type InputFormat, type ParsedRow, type ReadOptions } from './types';

/** A file whose format is known and whose rows are ready to stream. */
export interface OpenedInput {
  format: InputFormat;
  /** The field separator, for `csv`; null for the other formats. */
  delimiter: Delimiter | null;
  /** The file was gzip-compressed and is decompressed as it streams. */
  compression: 'gzip' | null;
  rows: AsyncGenerator<ParsedRow>;
}

/**
 * Reads the start of a file (decompressing gzip, detected by its magic number), decides its format
 * and delimiter, and returns the rows to stream. Detection errors throw here, as InputFileError;
 * the source is closed on error and once `rows` is finished or abandoned.
 */
export async function openRecords(source: AsyncIterable<Uint8Array>, options: ReadOptions): Promise<OpenedInput> {
  const scannerCap = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // Checked before reading anything: a bad option is the caller's bug, not the file's.
  if (!Number.isSafeInteger(scannerCap) || scannerCap < 1) {
    throw new RangeError(`maxRecordBytes must be a positive integer, got ${scannerCap}`);
  }
  const { fileName } = options;
  const raw = new ByteInput(source);
  let input = raw;
  try {
    let head = await raw.readHead(DETECT_HEAD_BYTES);
    let compression: 'gzip' | null = null;
    if (isGzip(head)) {
      compression = 'gzip';
      input = new ByteInput(gunzipChunks(raw.chunks(0), fileName));
      head = await input.readHead(DETECT_HEAD_BYTES);
    } else if (extensionOf(fileName) === GZIP_EXTENSION) {
      if (raw.done && head.length === 0) throw emptyFileError(fileName);
      throw new InputFileError(
        'invalid_compressed',
        fileName,
        `${fileName} ends in ${GZIP_EXTENSION} but is not gzip-compressed. Upload the gzip file, or the plain file without ${GZIP_EXTENSION}.`,
      );
    }
    const format = detectFromHead(fileName, head, options.format, input.done);
    const bom = utf8BomLength(head);
    const delimiter = format === 'csv' ? detectDelimiter(fileName, head.subarray(bom), options.delimiter) : null;
    const builder = createBuilder(format, options, delimiter ?? ',');
    const scanner = new RecordScanner({ maxRecordBytes: scannerCap, quotes: builder.quotes, delimiter: (delimiter ?? ',').charCodeAt(0) });
    const closeAll = async () => {
      await input.close();
      if (input !== raw) await raw.close();
    };
    return { format, delimiter, compression, rows: streamRows(input, bom, scanner, builder, closeAll) };
  } catch (err) {
    await input.close().catch(() => undefined);
    if (input !== raw) await raw.close().catch(() => undefined);
    throw err;
  }
}

async function* streamRows(
  input: ByteInput,
  bom: number,
  scanner: RecordScanner,
  builder: RowBuilder,
  close: () => Promise<void>,
): AsyncGenerator<ParsedRow> {
  try {
    let rows = 0;
    for await (const chunk of input.chunks(bom)) {
      for (const scanned of scanner.push(chunk)) {
        const row = builder.build(scanned);
        if (row !== null) {
          rows++;
          yield row;
        }
      }
    }
    for (const scanned of scanner.end()) {
      const row = builder.build(scanned);
      if (row !== null) {
        rows++;
        yield row;
      }
    }
    builder.finish(rows);
  } finally {
    await close();
  }
}

/**
 * Parses a file streamed as byte chunks into rows. Every non-blank record becomes exactly one
 * yielded row, ok or rejected, so `ok + rejected` is the file's input row count; blank lines are
 * not rows. Problems with the file as a whole throw `InputFileError`: detection errors on the
 * first `next()`, `empty_file` / `no_data_rows` after the last row, `invalid_compressed` where a
 * gzip stream turns out truncated or corrupt.
 *
 * Memory stays bounded by about `maxRecordBytes` plus one chunk, whatever the file size.
 * Chunks must not be modified until the next chunk is requested.
 */
export async function* readRecords(source: AsyncIterable<Uint8Array>, options: ReadOptions): AsyncGenerator<ParsedRow> {
  yield* (await openRecords(source, options)).rows;
}

function createBuilder(format: InputFormat, options: ReadOptions, delimiter: Delimiter): RowBuilder {
  switch (format) {
    case 'csv':
      return new CsvRowBuilder(options.fileName, options.columns, delimiter);
    case 'amazon-polarity':
      return new AmazonPolarityRowBuilder(options.fileName);
    case 'jsonl':
      return new JsonLinesRowBuilder(options.fileName, options.columns);
    case 'text':
      return new TextRowBuilder(options.fileName);
  }
}

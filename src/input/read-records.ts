import { utf8BomLength } from './bom';
import { ByteInput } from './byte-input';
import { DETECT_HEAD_BYTES, detectFromHead } from './detect';
import { AmazonPolarityRowBuilder } from './formats/amazon-polarity';
import { CsvRowBuilder } from './formats/csv';
import { JsonLinesRowBuilder } from './formats/jsonl';
import type { RowBuilder } from './formats/row-builder';
import { TextRowBuilder } from './formats/text';
import { RecordScanner } from './record-scanner';
import { DEFAULT_MAX_RECORD_BYTES, type InputFormat, type ParsedRow, type ReadOptions } from './types';

/**
 * Parses a file streamed as byte chunks into rows. Every non-blank record becomes exactly one
 * yielded row, ok or rejected, so `ok + rejected` is the file's input row count; blank lines are
 * not rows. Problems with the file as a whole throw `InputFileError`: detection errors on the
 * first `next()`, `empty_file` / `no_data_rows` after the last row.
 *
 * Memory stays bounded by about `maxRecordBytes` plus one chunk, whatever the file size.
 * Chunks must not be modified until the next chunk is requested.
 */
export async function* readRecords(source: AsyncIterable<Uint8Array>, options: ReadOptions): AsyncGenerator<ParsedRow> {
  const scannerCap = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // Checked before reading anything: a bad option is the caller's bug, not the file's.
  if (!Number.isSafeInteger(scannerCap) || scannerCap < 1) {
    throw new RangeError(`maxRecordBytes must be a positive integer, got ${scannerCap}`);
  }
  const input = new ByteInput(source);
  try {
    const head = await input.readHead(DETECT_HEAD_BYTES);
    const format = detectFromHead(options.fileName, head, options.format, input.done);
    const builder = createBuilder(format, options);
    const scanner = new RecordScanner({ maxRecordBytes: scannerCap, quotes: builder.quotes });
    let rows = 0;
    for await (const chunk of input.chunks(utf8BomLength(head))) {
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
    await input.close();
  }
}

function createBuilder(format: InputFormat, options: ReadOptions): RowBuilder {
  switch (format) {
    case 'csv':
      return new CsvRowBuilder(options.fileName, options.columns);
    case 'amazon-polarity':
      return new AmazonPolarityRowBuilder(options.fileName);
    case 'jsonl':
      return new JsonLinesRowBuilder(options.fileName, options.columns);
    case 'text':
      return new TextRowBuilder(options.fileName);
  }
}

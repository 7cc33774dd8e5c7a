/**
 * Input parsing: turns user files into records, streaming over byte chunks.
 *
 * Formats: headered CSV (`csv`: comma, semicolon or tab separated, so TSV too), header-less
 * Amazon Review Polarity CSV (`amazon-polarity`), JSON Lines (`jsonl`), plain text, one document
 * per line (`text`). UTF-8 with or without BOM, LF or CRLF; any of them gzip-compressed.
 *
 * Rules worth knowing as a caller:
 * - gzip data (magic number 1f 8b) is decompressed as it streams; a name ending in .gz names the
 *   file inside (`reviews.tsv.gz`), and a .gz file that is not gzip is `invalid_compressed`.
 * - Detection: an explicit format wins; otherwise .csv / .tsv / .jsonl / .ndjson / .txt decide, and a
 *   .csv whose first record is 3 fields starting with 1 or 2 is amazon-polarity. Any other
 *   extension is `unknown_format` even if the content looks parseable (pass a format instead).
 * - Delimiter (csv): an explicit one wins; otherwise the most frequent of `,` `;` tab outside
 *   quotes on the header line; a one-column header gets tab for .tsv, comma otherwise.
 * - Every non-blank record yields exactly one row, ok or rejected; blank lines are not rows.
 * - Broken CSV quoting or a record over `maxRecordBytes` rejects only the record's first
 *   physical line and parsing resumes on the next one (see RecordScanner).
 * - Ids are null when the file has none; callers derive `<fileKey>:<line>`.
 */
export type { ColumnMapping, Delimiter, InputFormat, InputRecord, ParsedRow, ReadOptions, RejectReason, RejectedRow } from './types';
export { DEFAULT_MAX_RECORD_BYTES, DELIMITERS, INPUT_FORMATS } from './types';
export { InputFileError, type InputFileErrorCode } from './errors';
export { detectDelimiter, detectFormat, EXTENSION_FORMATS } from './detect';
export { openRecords, readRecords, type OpenedInput } from './read-records';
export { COLUMN_ALIASES } from './columns';

/**
 * Input parsing: turns user files into records, streaming over byte chunks.
 *
 * Formats: headered CSV (`csv`), header-less Amazon Review Polarity CSV (`amazon-polarity`),
 * JSON Lines (`jsonl`), plain text, one document per line (`text`). UTF-8 with or without BOM,
 * LF or CRLF.
 *
 * Rules worth knowing as a caller:
 * - Detection: an explicit format wins; otherwise .csv / .jsonl / .ndjson / .txt decide, and a
 *   .csv whose first record is 3 fields starting with 1 or 2 is amazon-polarity. Any other
 *   extension is `unknown_format` even if the content looks parseable (pass a format instead).
 * - Every non-blank record yields exactly one row, ok or rejected; blank lines are not rows.
 * - Broken CSV quoting or a record over `maxRecordBytes` rejects only the record's first
 *   physical line and parsing resumes on the next one (see RecordScanner).
 * - Ids are null when the file has none; callers derive `<fileKey>:<line>`.
 */
export type { ColumnMapping, InputFormat, InputRecord, ParsedRow, ReadOptions, RejectReason, RejectedRow } from './types';
export { DEFAULT_MAX_RECORD_BYTES, INPUT_FORMATS } from './types';
export { InputFileError, type InputFileErrorCode } from './errors';
export { detectFormat, EXTENSION_FORMATS } from './detect';
export { readRecords } from './read-records';
export { COLUMN_ALIASES } from './columns';

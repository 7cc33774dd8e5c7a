export type InputFileErrorCode =
  | 'empty_file'
  | 'binary_file'
  | 'unknown_format'
  | 'missing_text_column'
  /** An explicitly mapped id/title/label column is not in the CSV header. */
  | 'missing_column'
  /** The CSV header line itself cannot be parsed (bad quoting, invalid UTF-8, too large). */
  | 'invalid_header'
  | 'no_data_rows'
  /** Named .gz but not gzip data, or gzip data that is truncated or corrupt. */
  | 'invalid_compressed';

/**
 * A problem with the file as a whole (as opposed to a single rejected row). The message always
 * names the file and tells the user what to do, because it is shown to them verbatim.
 */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  readonly code: InputFileErrorCode;
  readonly fileName: string;
  /** The CSV header's columns, for `missing_text_column` / `missing_column`. */
  readonly columns?: readonly string[];

  constructor(code: InputFileErrorCode, fileName: string, message: string, columns?: readonly string[]) {
    super(message);
    this.code = code;
    this.fileName = fileName;
    if (columns !== undefined) this.columns = columns;
  }
}

/** Shared by detection (empty head) and the format readers (no rows after the whole stream). */
export function emptyFileError(fileName: string): InputFileError {
  return new InputFileError(
    'empty_file',
    fileName,
    `${fileName} is empty: it has no text besides whitespace. Upload a file with at least one record.`,
  );
}

/**
 * Public shapes of the input-parsing domain. Other modules (activities, CLI, workflows) code
 * against these names, so they are kept stable and free of Node/Temporal/AWS types.
 */

/** `csv` means a CSV file with a header row; `amazon-polarity` is the header-less Amazon Review Polarity CSV. */
export type InputFormat = 'csv' | 'amazon-polarity' | 'jsonl' | 'text';

export const INPUT_FORMATS: readonly InputFormat[] = ['csv', 'amazon-polarity', 'jsonl', 'text'];

/** Field separators of delimited files: comma and semicolon CSV, tab (TSV). */
export type Delimiter = ',' | ';' | '\t';

export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];

/** Column (CSV) or key (JSON Lines) names to use instead of the default aliases. */
export interface ColumnMapping {
  id?: string;
  title?: string;
  text?: string;
  label?: string;
}

export interface ReadOptions {
  /** Used for format detection by extension and in error messages; may be a path or object key. */
  fileName: string;
  /** Wins over detection by extension and content. */
  format?: InputFormat;
  columns?: ColumnMapping;
  /**
   * Field separator of a `csv` file; wins over detection (the header line's most frequent of
   * `,` `;` tab outside quotes; `.tsv` files default to tab). Ignored by the other formats.
   */
  delimiter?: Delimiter;
  /** Longest physical line / CSV record accepted, in bytes (line terminator excluded). Default 1 MiB. */
  maxRecordBytes?: number;
}

export interface InputRecord {
  /** 1-based number of the record's first physical line. */
  line: number;
  /** The id column/key value when present and non-blank; otherwise null (callers derive one). */
  id: string | null;
  title: string;
  body: string;
  label: string | null;
}

export type RejectReason =
  | 'invalid_utf8'
  | 'malformed_quoting'
  | 'wrong_column_count'
  | 'empty_text'
  | 'record_too_large'
  | 'invalid_json'
  | 'not_an_object'
  | 'invalid_label'
  /** JSON Lines: the object has no text key (after mapping/aliases). */
  | 'missing_text'
  /** JSON Lines: a mapped field holds a value of the wrong JSON type (e.g. text is a number). */
  | 'invalid_field_type';

export interface RejectedRow {
  /** First physical line of the rejected row (1-based). */
  line: number;
  /** Last physical line of the rejected row; equals `line` for single-line rows. */
  endLine: number;
  reason: RejectReason;
  /** Human-readable explanation, bounded in length. */
  detail: string;
  /** The first <= 200 characters of the row (undecodable bytes shown as U+FFFD). */
  preview: string;
}

export type ParsedRow = { ok: true; record: InputRecord } | { ok: false; rejected: RejectedRow };

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

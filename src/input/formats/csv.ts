import { namesTried, resolveColumns, type ResolvedColumns } from '../columns';
import { splitCsvFields } from '../csv-fields';
import { delimiterName } from '../detect';
import { emptyFileError, InputFileError } from '../errors';
import type { ScannedRow } from '../record-scanner';
import { decodeRecord, isBlankText, nonBlank, reject } from '../text-utils';
import { previewOfString, clip } from '../preview';
import type { ColumnMapping, Delimiter, ParsedRow } from '../types';
import { looksLikePolarityRecord } from './amazon-polarity';
import type { RowBuilder } from './row-builder';

interface Header {
  names: string[];
  columns: ResolvedColumns;
}

/** CSV (or TSV, or semicolon-separated) with a header row naming the columns. */
export class CsvRowBuilder implements RowBuilder {
  readonly quotes = true;
  private header: Header | null = null;

  constructor(
    private readonly fileName: string,
    private readonly mapping: ColumnMapping | undefined,
    private readonly delimiter: Delimiter = ',',
  ) {}

  build(scanned: ScannedRow): ParsedRow | null {
    if (this.header === null) {
      this.header = this.readHeader(scanned);
      return null;
    }
    if (scanned.kind === 'rejected') return { ok: false, rejected: scanned.rejected };
    const { line, endLine } = scanned;
    const text = decodeRecord(line, endLine, scanned.bytes);
    if (typeof text !== 'string') return { ok: false, rejected: text };

    const fields = splitCsvFields(text, this.delimiter);
    const { names, columns } = this.header;
    if (fields.length !== names.length) {
      const separator = delimiterName(this.delimiter);
      return reject(
        line,
        endLine,
        'wrong_column_count',
        `expected ${names.length} ${separator}-separated fields as in the header, found ${fields.length}; fields containing a ${separator} must be quoted`,
        previewOfString(text),
      );
    }
    const body = fields[columns.text]!;
    if (isBlankText(body)) {
      return reject(line, endLine, 'empty_text', `the "${names[columns.text]}" column is empty`, previewOfString(text));
    }
    return {
      ok: true,
      record: {
        line,
        id: columns.id < 0 ? null : nonBlank(fields[columns.id]),
        title: columns.title < 0 ? '' : fields[columns.title]!,
        body,
        label: columns.label < 0 ? null : nonBlank(fields[columns.label]),
      },
    };
  }

  finish(rows: number): void {
    if (this.header === null) throw emptyFileError(this.fileName);
    if (rows === 0) {
      throw new InputFileError(
        'no_data_rows',
        this.fileName,
        `${this.fileName} has a header line but no data rows. Add at least one row below the header.`,
      );
    }
  }

  private readHeader(scanned: ScannedRow): Header {
    const fileName = this.fileName;
    if (scanned.kind === 'rejected') {
      const { line, detail } = scanned.rejected;
      throw new InputFileError(
        'invalid_header',
        fileName,
        `${fileName}: cannot read the CSV header on line ${line}: ${detail}. Fix the header line and upload again.`,
      );
    }
    const text = decodeRecord(scanned.line, scanned.endLine, scanned.bytes);
    if (typeof text !== 'string') {
      throw new InputFileError(
        'invalid_header',
        fileName,
        `${fileName}: the CSV header on line ${scanned.line} is not valid UTF-8 (${text.detail}).`,
      );
    }
    const names = splitCsvFields(text, this.delimiter).map((name) => name.trim());
    const { columns, missing } = resolveColumns(names, this.mapping);
    const listed = names.map((name) => `"${clip(name, 40)}"`).join(', ');

    if (columns.text < 0) {
      const hint = looksLikePolarityRecord(names)
        ? ' The first line looks like Amazon Review Polarity data (no header): use the amazon-polarity format.'
        : ` Name the text column one of ${namesTried('text', undefined).join('/')} or map it with columns.text.`;
      const mapped = this.mapping?.text;
      throw new InputFileError(
        'missing_text_column',
        fileName,
        mapped !== undefined
          ? `${fileName}: the mapped text column "${mapped}" is not in the CSV header (columns: ${listed}).`
          : `${fileName}: the CSV header has no text column (columns: ${listed}).${hint}`,
        names,
      );
    }
    if (missing.length > 0) {
      const wanted = missing.map((role) => `${role} → "${this.mapping?.[role] ?? ''}"`).join(', ');
      throw new InputFileError(
        'missing_column',
        fileName,
        `${fileName}: mapped column(s) ${wanted} not found in the CSV header (columns: ${listed}). Fix the column mapping.`,
        names,
      );
    }
    return { names, columns };
  }
}

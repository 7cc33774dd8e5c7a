import { emptyFileError } from '../errors';
import { splitCsvFields } from '../csv-fields';
import type { ScannedRow } from '../record-scanner';
import { decodeRecord, isBlankText, reject } from '../text-utils';
import { previewOfString, clip } from '../preview';
import type { ParsedRow } from '../types';
import type { RowBuilder } from './row-builder';

/** The dataset's class numbers: 1 is the negative class, 2 the positive one. */
const POLARITY_LABELS: Readonly<Record<string, string>> = { '1': 'negative', '2': 'positive' };

export function isPolarityLabel(value: string): boolean {
  return Object.hasOwn(POLARITY_LABELS, value.trim());
}

/** The shape of an Amazon Review Polarity record: three fields, the first a class number. */
export function looksLikePolarityRecord(fields: readonly string[]): boolean {
  return fields.length === 3 && isPolarityLabel(fields[0]!);
}

/** Amazon Review Polarity CSV: no header; every record is "label","title","text". */
export class AmazonPolarityRowBuilder implements RowBuilder {
  readonly quotes = true;

  constructor(private readonly fileName: string) {}

  build(scanned: ScannedRow): ParsedRow {
    if (scanned.kind === 'rejected') return { ok: false, rejected: scanned.rejected };
    const { line, endLine } = scanned;
    const text = decodeRecord(line, endLine, scanned.bytes);
    if (typeof text !== 'string') return { ok: false, rejected: text };

    const fields = splitCsvFields(text);
    if (fields.length !== 3) {
      return reject(
        line,
        endLine,
        'wrong_column_count',
        `expected 3 fields (label, title, text), found ${fields.length}`,
        previewOfString(text),
      );
    }
    const label = POLARITY_LABELS[fields[0]!.trim()];
    if (label === undefined) {
      return reject(
        line,
        endLine,
        'invalid_label',
        `label "${clip(fields[0]!, 40)}" is not 1 (negative) or 2 (positive)`,
        previewOfString(text),
      );
    }
    const body = fields[2]!;
    if (isBlankText(body)) return reject(line, endLine, 'empty_text', 'the review text is empty', previewOfString(text));
    return { ok: true, record: { line, id: null, title: fields[1]!, body, label } };
  }

  finish(rows: number): void {
    if (rows === 0) throw emptyFileError(this.fileName);
  }
}

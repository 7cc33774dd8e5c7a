import { emptyFileError } from '../errors';
import type { ScannedRow } from '../record-scanner';
import { decodeRecord, isBlankText, reject } from '../text-utils';
import { previewOfString } from '../preview';
import type { ParsedRow } from '../types';
import type { RowBuilder } from './row-builder';

/** Plain text: every non-blank physical line is one document. */
export class TextRowBuilder implements RowBuilder {
  readonly quotes = false;

  constructor(private readonly fileName: string) {}

  build(scanned: ScannedRow): ParsedRow {
    if (scanned.kind === 'rejected') return { ok: false, rejected: scanned.rejected };
    const { line, endLine } = scanned;
    const body = decodeRecord(line, endLine, scanned.bytes);
    if (typeof body !== 'string') return { ok: false, rejected: body };
    // The scanner drops ASCII-blank lines; a line of only Unicode spaces (e.g. U+3000) gets here.
    if (isBlankText(body)) return reject(line, endLine, 'empty_text', 'the line holds only whitespace', previewOfString(body));
    return { ok: true, record: { line, id: null, title: '', body, label: null } };
  }

  finish(rows: number): void {
    if (rows === 0) throw emptyFileError(this.fileName);
  }
}

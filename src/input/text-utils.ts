import { firstInvalidUtf8, isValidUtf8 } from './utf8';
import { previewOfBytes } from './preview';
import type { ParsedRow, RejectedRow, RejectReason } from './types';

/** True for '' and whitespace-only strings; cheap for the common case of visible ASCII first. */
export function isBlankText(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c > 0x20 && c < 0x7f) return false;
  return text.trim().length === 0;
}

/** Trimmed value, or null when blank: ids and labels are identifiers, not prose. */
export function nonBlank(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed;
}

export function reject(line: number, endLine: number, reason: RejectReason, detail: string, preview: string): ParsedRow {
  return { ok: false, rejected: { line, endLine, reason, detail, preview } };
}

/** Decodes a record's bytes, or explains where its UTF-8 breaks. */
export function decodeRecord(line: number, endLine: number, bytes: Buffer): string | RejectedRow {
  if (isValidUtf8(bytes)) return bytes.toString('utf8');
  const at = firstInvalidUtf8(bytes);
  return {
    line,
    endLine,
    reason: 'invalid_utf8',
    detail: `invalid UTF-8 at byte ${at + 1} of the row; save the file with UTF-8 encoding`,
    preview: previewOfBytes(bytes),
  };
}

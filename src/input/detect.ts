import { utf8BomLength } from './bom';
import { splitCsvFields } from './csv-fields';
import { emptyFileError, InputFileError } from './errors';
import { looksLikePolarityRecord } from './formats/amazon-polarity';
import { RecordScanner, type ScannedRow } from './record-scanner';
import { DELIMITERS, INPUT_FORMATS, type Delimiter, type InputFormat } from './types';
import { scanUtf8 } from './utf8';

/** How much of the file start decides "binary or text". */
export const BINARY_SNIFF_BYTES = 8 * 1024;
/** How much of the file start `readRecords` gives detection (room for a long first record). */
export const DETECT_HEAD_BYTES = 64 * 1024;
/** Above this share of undecodable or control bytes, the head is taken as binary. */
const BINARY_RATIO = 0.3;

export const EXTENSION_FORMATS: Readonly<Record<string, InputFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.txt': 'text',
};

/** gzip-compressed files are read as they stream: `reviews.csv.gz` is a gzip-compressed `reviews.csv`. */
export const GZIP_EXTENSION = '.gz';
const OTHER_COMPRESSED = new Set(['.zip', '.bz2', '.xz', '.zst', '.7z', '.tgz']);

/**
 * Decides the format of a file from its name and first bytes (`head`: at least the first 8 KiB,
 * or the whole file when shorter; a whitespace-only head is taken to be the whole file).
 *
 * - The override wins over extension and content; otherwise the extension decides
 *   (.csv, .jsonl/.ndjson, .txt, case-insensitive). Any other extension is `unknown_format`
 *   without looking at the content: guessing would make the same upload parse differently
 *   depending on its first lines, so users rename the file or pass a format instead.
 * - Then the content must be non-empty (`empty_file`) and text (`binary_file`).
 * - A .csv file whose first record has 3 fields and starts with 1 or 2 is Amazon Review Polarity
 *   (no header); any other .csv file has a header.
 */
export function detectFormat(fileName: string, head: Uint8Array, override?: InputFormat): InputFormat {
  return detectFromHead(fileName, head, override, true);
}

/**
 * `headIsWholeFile` false means more bytes follow: a whitespace-only head is then not proof of an
 * empty file (readRecords reports emptiness after the stream ends instead).
 */
export function detectFromHead(
  fileName: string,
  head: Uint8Array,
  override: InputFormat | undefined,
  headIsWholeFile: boolean,
): InputFormat {
  const byName = override === undefined ? formatFromFileName(fileName) : checkOverride(fileName, override);
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const content = bytes.subarray(utf8BomLength(bytes));
  if (!hasNonWhitespace(content)) {
    if (headIsWholeFile) throw emptyFileError(fileName);
    return byName;
  }
  assertText(fileName, bytes);
  if (override === undefined && byName === 'csv' && startsLikeAmazonPolarity(content)) {
    return 'amazon-polarity';
  }
  return byName;
}

export function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

/** The name without a trailing `.gz`: what the decompressed content is called. */
export function innerFileName(fileName: string): string {
  return extensionOf(fileName) === GZIP_EXTENSION ? fileName.slice(0, -GZIP_EXTENSION.length) : fileName;
}

/** gzip's magic number and deflate method: 1f 8b 08. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}

function formatFromFileName(fileName: string): InputFormat {
  const extension = extensionOf(innerFileName(fileName));
  const format = EXTENSION_FORMATS[extension];
  if (format !== undefined) return format;
  const supported = `${Object.keys(EXTENSION_FORMATS).join(', ')} (gzip-compressed too, with ${GZIP_EXTENSION} after the extension)`;
  const what = extension === '' ? 'has no file extension' : `has the unsupported extension "${extension}"`;
  let hint = '';
  if (OTHER_COMPRESSED.has(extension)) hint = ` Of compressed files only gzip is read: decompress it, or gzip it (${GZIP_EXTENSION}).`;
  else if (extension === '.json') hint = ' A file with one JSON object per line can be renamed to .jsonl.';
  throw new InputFileError(
    'unknown_format',
    fileName,
    `${fileName} ${what}. Supported: ${supported}. Rename the file or pass an explicit format ` + `(${INPUT_FORMATS.join(', ')}).${hint}`,
  );
}

function checkOverride(fileName: string, override: InputFormat): InputFormat {
  if (INPUT_FORMATS.includes(override)) return override;
  throw new InputFileError(
    'unknown_format',
    fileName,
    `${fileName}: unknown format "${String(override)}"; use one of ${INPUT_FORMATS.join(', ')}.`,
  );
}

function hasNonWhitespace(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && (b < 0x09 || b > 0x0d)) return true;
  }
  return false;
}

/**
 * NUL bytes never occur in UTF-8 text but are everywhere in binaries and UTF-16; beyond that,
 * a head that is mostly undecodable or control bytes is binary. Latin-1 text stays well under the
 * ratio, so it is read and its non-UTF-8 lines are rejected one by one, which points the user at
 * the encoding problem with line numbers.
 */
function assertText(fileName: string, bytes: Buffer): void {
  const head = bytes.subarray(0, BINARY_SNIFF_BYTES);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new InputFileError(
      'binary_file',
      fileName,
      `${fileName} is encoded as UTF-16. Save it as UTF-8 (CSV UTF-8, JSON Lines or plain text) and upload it again.`,
    );
  }
  let suspicious = scanUtf8(head, true).invalidBytes;
  let nul = false;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0) {
      nul = true;
      break;
    }
    // C0 controls other than tab, LF, VT, FF, CR and ESC do not appear in text.
    if (b < 0x20 && (b < 0x09 || b > 0x0d) && b !== 0x1b) suspicious++;
  }
  if (nul || suspicious > head.length * BINARY_RATIO) {
    throw new InputFileError(
      'binary_file',
      fileName,
      `${fileName} is not a text file (${nul ? 'it contains NUL bytes' : 'most of its first bytes are not UTF-8 text'}). ` +
        'Upload UTF-8 CSV, JSON Lines or plain text; export spreadsheets as "CSV UTF-8".',
    );
  }
}

/**
 * `content` starts after the BOM. Only the first record matters; blank lines before it are skipped.
 * When the head does not contain the whole first record (a long review, or a file whose only
 * record lacks a final newline), the leading field decides: a header named "1" or "2" is not
 * plausible, a polarity record's class number is.
 */
function startsLikeAmazonPolarity(content: Buffer): boolean {
  // A cap above the head's size: detection must never reject the first record for its length.
  const scanner = new RecordScanner({ maxRecordBytes: content.length + 1, quotes: true });
  let first: ScannedRow | undefined;
  for (const row of scanner.push(content)) {
    first = row;
    break;
  }
  if (first === undefined) return /^\s*"?[12]"?,/.test(content.subarray(0, 256).toString('latin1'));
  if (first.kind === 'rejected') return false;
  return looksLikePolarityRecord(splitCsvFields(first.bytes.toString('utf8')));
}

const DELIMITER_NAMES: Readonly<Record<Delimiter, string>> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

export function delimiterName(delimiter: Delimiter): string {
  return DELIMITER_NAMES[delimiter];
}

/**
 * The field separator of a headered CSV: the override when given; otherwise whichever of comma,
 * semicolon and tab occurs most often, outside quotes, in the header line (the first non-blank
 * line of `content`, which starts after the BOM). A header with none of them (one column) gets the
 * file's default: tab for .tsv, comma otherwise; so does a tie with it.
 */
export function detectDelimiter(fileName: string, content: Uint8Array, override?: Delimiter): Delimiter {
  if (override !== undefined) {
    if (DELIMITERS.includes(override)) return override;
    throw new InputFileError(
      'unknown_format',
      fileName,
      `${fileName}: unknown delimiter ${JSON.stringify(override)}; use one of comma (,), semicolon (;) or tab.`,
    );
  }
  const fallback: Delimiter = extensionOf(innerFileName(fileName)) === '.tsv' ? '\t' : ',';
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  let started = false;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (!started) {
      if (b === 0x0a || b === 0x0d || b === 0x20) continue;
      started = true;
    }
    if (b === 0x22) quoted = !quoted;
    else if (quoted) continue;
    else if (b === 0x0a) break;
    else if (b === 0x2c) counts[',']++;
    else if (b === 0x3b) counts[';']++;
    else if (b === 0x09) counts['\t']++;
  }
  let best: Delimiter = fallback;
  for (const d of DELIMITERS) if (counts[d] > counts[best]) best = d;
  return best;
}

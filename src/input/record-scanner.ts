import { PREVIEW_BYTES, previewOfBytes } from './preview';
import type { RejectedRow } from './types';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

// Scanner states. Plain numbers rather than an enum: they sit on the hot path.
const FIELD_START = 0; // at the start of a field, which is also where a record starts
const UNQUOTED = 1; // inside an unquoted field
const QUOTED = 2; // inside a quoted field
const QUOTE_SEEN = 3; // just after a quote inside a quoted field: an escaped "" or the closing quote
const CLOSED_CR = 4; // a CR right after a closing quote: only LF may follow
const SKIP = 5; // discarding the rest of a rejected physical line without buffering it

/** Raw output of the scanner: a record's bytes (terminator stripped), or a structural rejection. */
export type ScannedRow =
  | {
      kind: 'record';
      line: number;
      endLine: number;
      /** Valid only until the scanner is fed again: it may be a view into the caller's chunk. */
      bytes: Buffer;
    }
  | { kind: 'rejected'; rejected: RejectedRow };

export interface ScannerOptions {
  maxRecordBytes: number;
  /** true: RFC 4180 CSV (quoted fields may contain newlines); false: one record per physical line. */
  quotes: boolean;
  /** The field separator byte of quoted records: `,` (default), `;` or tab. */
  delimiter?: number;
}

const EMPTY = Buffer.alloc(0);
/** A stash buffer bigger than this is dropped after use instead of kept for the next record. */
const KEEP_STASH_BYTES = 64 * 1024;

/** Returned by `finishRecord` when the record is over the cap and must go through `resync`. */
const TOO_LARGE = 1;

/**
 * Splits a byte stream into records: physical lines, or CSV records whose quoted fields may span
 * lines. It works on whole chunks with `indexOf` and copies bytes only when a record straddles a
 * chunk boundary, so it never holds more than about `maxRecordBytes` of the stream.
 *
 * Resync rule (CSV): when a record cannot be accepted as a whole because its quoting is broken
 * (a quote inside an unquoted field, a character after a closing quote, a quoted field still open
 * at end of file) or because it runs past `maxRecordBytes`, only its first physical line L is
 * rejected and scanning restarts at the beginning of line L+1. An unterminated quote therefore
 * costs one line, not the rest of the file, and every non-blank physical line still ends up in
 * exactly one row. If line L itself is longer than the buffer allows, the rest of it is skipped
 * by counting bytes. Decisions depend only on byte content, never on how the stream is chunked.
 */
export class RecordScanner {
  private readonly cap: number;
  private readonly quotes: boolean;
  private readonly delimiter: number;
  private state = FIELD_START;
  /** Physical line of the next byte to scan. */
  private line = 1;
  /** First physical line of the record being scanned. */
  private recLine = 1;
  /** Line on which the currently open quoted field started (for messages). */
  private quoteLine = 1;
  /** Owned copy of the current record's bytes from earlier chunks. */
  private stash: Buffer = EMPTY;
  private stashLen = 0;
  /** Input still to scan: replayed bytes after a resync, then the rest of the current chunk. */
  private readonly queue: Buffer[] = [];
  private skipReason: 'malformed_quoting' | 'record_too_large' = 'record_too_large';
  private skipDetail = '';
  private skipSize = 0;
  private skipLastCr = false;
  /** The skipped line's first bytes, collected across chunks so the preview does not depend on chunking. */
  private skipHead = Buffer.alloc(PREVIEW_BYTES);
  private skipHeadLen = 0;
  private peak = 0;

  constructor(options: ScannerOptions) {
    if (!Number.isSafeInteger(options.maxRecordBytes) || options.maxRecordBytes < 1) {
      throw new RangeError(`maxRecordBytes must be a positive integer, got ${options.maxRecordBytes}`);
    }
    this.cap = options.maxRecordBytes;
    this.quotes = options.quotes;
    this.delimiter = options.delimiter ?? COMMA;
  }

  /** Most bytes of the stream this scanner has held at once (stash or replay); for tests. */
  get peakBufferedBytes(): number {
    return this.peak;
  }

  *push(chunk: Buffer): Generator<ScannedRow, void, undefined> {
    if (chunk.length === 0) return;
    this.queue.push(chunk);
    yield* this.drain();
  }

  /** Flushes the last record (a file need not end with a newline) and reports open quotes. */
  *end(): Generator<ScannedRow, void, undefined> {
    for (;;) {
      yield* this.drain();
      if (this.state === SKIP) {
        yield this.skipRejection();
        this.line++;
        this.startRecord();
        continue;
      }
      if (this.stashLen === 0) return;
      if (this.state === QUOTED) {
        const detail = `a quoted field opened on line ${this.quoteLine} is never closed (end of file reached)`;
        yield* this.resync(EMPTY, 0, 'malformed_quoting', detail, Infinity);
        continue;
      }
      const row = this.finishRecord(EMPTY, 0, 0);
      if (row === TOO_LARGE) yield* this.resync(EMPTY, 0, 'record_too_large', '', Infinity);
      else if (row !== null) yield row;
    }
  }

  private *drain(): Generator<ScannedRow, void, undefined> {
    while (this.queue.length > 0) yield* this.scan(this.queue.shift()!);
  }

  private *scan(buf: Buffer): Generator<ScannedRow, void, undefined> {
    const end = buf.length;
    const delimiter = this.delimiter;
    let pos = 0;
    let recStart = 0;
    // Cached next positions; -1 means "none in the rest of buf", which stays true.
    let nlAt = -2;
    let qAt = this.quotes ? -2 : -1;

    while (pos < end) {
      const state = this.state;
      if (state === SKIP) {
        const nl = buf.indexOf(LF, pos);
        if (nl === -1) {
          this.keepSkipHead(buf, pos, end);
          this.skipSize += end - pos;
          this.skipLastCr = buf[end - 1] === CR;
          return;
        }
        this.keepSkipHead(buf, pos, nl);
        this.skipSize += nl - pos;
        if (nl > pos) this.skipLastCr = buf[nl - 1] === CR;
        yield this.skipRejection();
        this.line++;
        this.startRecord();
        pos = recStart = nl + 1;
        continue;
      }

      // Last buf index a record byte may occupy: cap + 1 bytes in all, room for the CR of CRLF.
      const limit = recStart + this.cap - this.stashLen;
      let failure: 'record_too_large' | 'malformed_quoting' | null = null;
      let detail = '';
      let at = pos;

      if (state === FIELD_START || state === UNQUOTED) {
        if (nlAt !== -1 && nlAt < pos) nlAt = buf.indexOf(LF, pos);
        if (qAt !== -1 && qAt < pos) qAt = buf.indexOf(QUOTE, pos);
        if (qAt !== -1 && (nlAt === -1 || qAt < nlAt)) {
          at = qAt;
          if (qAt > limit) failure = 'record_too_large';
          else if (qAt === pos ? state === FIELD_START : buf[qAt - 1] === delimiter) {
            this.state = QUOTED;
            this.quoteLine = this.line;
            pos = qAt + 1;
            continue;
          } else {
            failure = 'malformed_quoting';
            detail = 'a double quote (") inside an unquoted field; quote the whole field and double inner quotes';
          }
        } else if (nlAt !== -1) {
          const row = this.finishRecord(buf, recStart, nlAt);
          if (row === TOO_LARGE) {
            failure = 'record_too_large';
            at = nlAt;
          } else {
            if (row !== null) yield row;
            pos = recStart = nlAt + 1;
            continue;
          }
        } else if (end - 1 > limit) {
          failure = 'record_too_large';
          at = end;
        } else {
          this.state = buf[end - 1] === delimiter ? FIELD_START : UNQUOTED;
          pos = end;
          continue;
        }
      } else if (state === QUOTED) {
        if (qAt !== -1 && qAt < pos) qAt = buf.indexOf(QUOTE, pos);
        const stop = qAt === -1 ? end : qAt;
        if ((qAt === -1 ? end - 1 : qAt) > limit) {
          failure = 'record_too_large';
          at = stop;
        } else {
          // Newlines inside quotes are data, but they still advance the physical line count.
          let from = pos;
          for (;;) {
            if (nlAt !== -1 && nlAt < from) nlAt = buf.indexOf(LF, from);
            if (nlAt === -1 || nlAt >= stop) break;
            this.line++;
            from = nlAt + 1;
          }
          if (qAt === -1) {
            pos = end;
            continue;
          }
          this.state = QUOTE_SEEN;
          pos = qAt + 1;
          continue;
        }
      } else {
        // QUOTE_SEEN or CLOSED_CR: decided by a single byte.
        const b = buf[pos]!;
        at = pos;
        if (b === LF) {
          const row = this.finishRecord(buf, recStart, pos);
          if (row === TOO_LARGE) failure = 'record_too_large';
          else {
            if (row !== null) yield row;
            pos = recStart = pos + 1;
            continue;
          }
        } else if (pos > limit) {
          failure = 'record_too_large';
        } else if (state === QUOTE_SEEN && (b === QUOTE || b === delimiter || b === CR)) {
          this.state = b === QUOTE ? QUOTED : b === delimiter ? FIELD_START : CLOSED_CR;
          pos++;
          continue;
        } else {
          failure = 'malformed_quoting';
          detail =
            state === QUOTE_SEEN
              ? `unexpected character after the closing quote of a field (a field opened on line ${this.quoteLine}); double quotes inside quoted fields must be written as ""`
              : 'a carriage return after a closing quote is not followed by a line feed';
        }
      }

      // Only failures reach this point.
      const next = yield* this.resync(buf, recStart, failure!, detail, at);
      if (next < 0) return;
      pos = recStart = next;
      // The caches assume pos only moves forward; a resync may move it back to line L+1.
      nlAt = -2;
      qAt = this.quotes ? -2 : -1;
    }

    if (this.state !== SKIP && recStart < end) this.stashBytes(buf.subarray(recStart, end));
  }

  /**
   * Ends the record whose terminating LF is at `nl` (or the stream's end). Returns the row, null for
   * a blank line (not a row), or TOO_LARGE when the caller must resync.
   */
  private finishRecord(buf: Buffer, recStart: number, nl: number): ScannedRow | null | typeof TOO_LARGE {
    const stashLen = this.stashLen;
    let size = stashLen + nl - recStart;
    const last = nl > recStart ? buf[nl - 1] : stashLen > 0 ? this.stash[stashLen - 1] : -1;
    if (last === CR) size--;
    if (size > this.cap) return TOO_LARGE;
    let bytes: Buffer;
    if (stashLen === 0) bytes = buf.subarray(recStart, recStart + size);
    else if (size <= stashLen) bytes = Buffer.from(this.stash.subarray(0, size));
    else bytes = Buffer.concat([this.stash.subarray(0, stashLen), buf.subarray(recStart, nl)], size);
    const row: ScannedRow | null = isBlankLine(bytes) ? null : { kind: 'record', line: this.recLine, endLine: this.line, bytes };
    this.line++;
    this.startRecord();
    return row;
  }

  /**
   * Rejects physical line L (the record's first) and restarts at line L+1; see the class comment.
   * Returns where to continue in `buf`, or -1 when the rest of `buf` was queued behind replayed bytes.
   */
  private *resync(
    buf: Buffer,
    recStart: number,
    reason: 'record_too_large' | 'malformed_quoting',
    detail: string,
    at: number,
  ): Generator<ScannedRow, number, undefined> {
    const L = this.recLine;
    const stashLen = this.stashLen;
    const k = this.stash.subarray(0, stashLen).indexOf(LF);
    if (k !== -1) {
      const lineLen = k > 0 && this.stash[k - 1] === CR ? k - 1 : k;
      const preview = previewOfBytes(this.stash.subarray(0, lineLen));
      yield this.rejection(L, reason, detail, lineLen, true, preview);
      // Hand the stash over to the queue instead of copying it; the next record gets a fresh one.
      const replay = this.stash.subarray(k + 1, stashLen);
      this.releaseStash();
      this.line = L + 1;
      this.startRecord();
      this.queue.unshift(replay, buf.subarray(recStart));
      return -1;
    }
    const nl = buf.indexOf(LF, recStart);
    if (nl !== -1) {
      const crlf = nl > recStart ? buf[nl - 1] === CR : stashLen > 0 && this.stash[stashLen - 1] === CR;
      const lineLen = stashLen + nl - recStart - (crlf ? 1 : 0);
      const preview = previewOfBytes(this.headBytes(buf, recStart, lineLen));
      yield this.rejection(L, reason, detail, lineLen, nl < at, preview);
      this.line = L + 1;
      this.startRecord();
      return nl + 1;
    }
    // Line L continues beyond what we have: discard the rest of it as it streams past.
    this.skipReason = reason;
    this.skipDetail = detail;
    this.skipSize = stashLen + buf.length - recStart;
    this.skipLastCr = buf.length > recStart ? buf[buf.length - 1] === CR : this.stash[stashLen - 1] === CR;
    this.skipHeadLen = 0;
    this.keepSkipHead(this.stash, 0, stashLen);
    this.keepSkipHead(buf, recStart, buf.length);
    this.releaseStash();
    this.state = SKIP;
    return buf.length;
  }

  private rejection(
    L: number,
    reason: 'record_too_large' | 'malformed_quoting',
    detail: string,
    lineLen: number,
    spansLines: boolean,
    preview: string,
  ): ScannedRow {
    let text: string;
    if (reason === 'record_too_large') {
      text =
        lineLen > this.cap
          ? `line ${L} is ${lineLen} bytes, over the limit of ${this.cap} bytes (maxRecordBytes)`
          : `the record starting on line ${L} is longer than ${this.cap} bytes (maxRecordBytes) and spans several lines, ` +
            `probably because of an unterminated quote; only line ${L} is rejected and parsing resumes at line ${L + 1}`;
    } else {
      text = spansLines
        ? `${detail}; the record spans several lines, so only line ${L} is rejected and parsing resumes at line ${L + 1}`
        : detail;
    }
    return { kind: 'rejected', rejected: { line: L, endLine: L, reason, detail: text, preview } };
  }

  private skipRejection(): ScannedRow {
    const lineLen = this.skipSize - (this.skipLastCr ? 1 : 0);
    const preview = previewOfBytes(this.skipHead.subarray(0, Math.min(this.skipHeadLen, lineLen)));
    return this.rejection(this.recLine, this.skipReason, this.skipDetail, lineLen, false, preview);
  }

  private keepSkipHead(source: Buffer, from: number, to: number): void {
    const n = Math.min(to - from, PREVIEW_BYTES - this.skipHeadLen);
    if (n <= 0) return;
    source.copy(this.skipHead, this.skipHeadLen, from, from + n);
    this.skipHeadLen += n;
  }

  /** The first min(length, PREVIEW_BYTES) bytes of the record: stash, then buf from recStart. */
  private headBytes(buf: Buffer, recStart: number, length: number): Buffer {
    const want = Math.min(length, PREVIEW_BYTES);
    const fromStash = Math.min(this.stashLen, want);
    const fromBuf = want - fromStash;
    if (fromStash === 0) return buf.subarray(recStart, recStart + fromBuf);
    return Buffer.concat([this.stash.subarray(0, fromStash), buf.subarray(recStart, recStart + fromBuf)]);
  }

  /** Copies the unfinished record's tail: the caller may reuse its chunk once we ask for the next. */
  private stashBytes(piece: Buffer): void {
    const need = this.stashLen + piece.length;
    if (need > this.stash.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.cap + 1, Math.max(need, this.stash.length * 2, 256)));
      this.stash.copy(grown, 0, 0, this.stashLen);
      this.stash = grown;
    }
    piece.copy(this.stash, this.stashLen);
    this.stashLen = need;
    this.notePeak(need);
  }

  private startRecord(): void {
    this.stashLen = 0;
    if (this.stash.length > KEEP_STASH_BYTES) this.stash = EMPTY;
    this.recLine = this.line;
    this.state = FIELD_START;
  }

  private releaseStash(): void {
    this.stashLen = 0;
    this.stash = EMPTY;
  }

  private notePeak(bytes: number): void {
    if (bytes > this.peak) this.peak = bytes;
  }
}

/** A line holding only spaces, tabs and CRs is not a record in any format. */
function isBlankLine(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  }
  return true;
}

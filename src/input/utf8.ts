import { isUtf8 } from 'node:buffer';

/**
 * UTF-8 helpers. Validation of every record goes through Node's native `isUtf8` (simdutf), which
 * has the same acceptance rules as `new TextDecoder('utf-8', { fatal: true })` but avoids the
 * per-call overhead; the JS walker below runs only to explain a failure or to sniff a file head.
 */

export function isValidUtf8(bytes: Uint8Array): boolean {
  return bytes.length === 0 || isUtf8(bytes);
}

export interface Utf8Scan {
  /** Number of bytes that are not part of a well-formed sequence. */
  invalidBytes: number;
  /** Offset of the first such byte, or -1. */
  firstInvalid: number;
}

/**
 * Walks `bytes` per the Unicode "maximal subpart" rules (overlongs, surrogates and code points
 * above U+10FFFF are invalid). A sequence cut off by the end of the buffer counts as valid when
 * `truncatedTailOk` is set, because a file head is an arbitrary prefix of the file.
 */
export function scanUtf8(bytes: Uint8Array, truncatedTailOk = false, stopAtFirst = false): Utf8Scan {
  const n = bytes.length;
  let invalidBytes = 0;
  let firstInvalid = -1;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else need = 0;

    // Length of the well-formed prefix starting at i (1 = only the lead byte).
    let good = need === 0 ? 0 : 1;
    let truncated = false;
    for (let k = 1; k <= need && good === k; k++) {
      if (i + k >= n) {
        truncated = true;
        break;
      }
      const b = bytes[i + k]!;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (b >= min && b <= max) good++;
    }
    if (need > 0 && good === need + 1) {
      i += need + 1;
      continue;
    }
    if (truncated && truncatedTailOk) break;
    const bad = Math.max(good, 1);
    if (firstInvalid === -1) firstInvalid = i;
    invalidBytes += bad;
    if (stopAtFirst) break;
    i += bad;
  }
  return { invalidBytes, firstInvalid };
}

export function firstInvalidUtf8(bytes: Uint8Array): number {
  return scanUtf8(bytes, false, true).firstInvalid;
}

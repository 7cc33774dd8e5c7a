/** Longest preview kept in a RejectedRow, in UTF-16 code units. */
export const PREVIEW_CHARS = 200;

/**
 * Bytes that always decode to more than PREVIEW_CHARS characters (4 bytes per code point at most,
 * so 1 KiB yields >= 256 code points). Holding no more than this is what keeps previews of huge
 * rows from pinning their memory.
 */
export const PREVIEW_BYTES = 1024;

export function previewOfString(text: string): string {
  if (text.length <= PREVIEW_CHARS) return text;
  let end = PREVIEW_CHARS;
  // Do not leave half of a surrogate pair at the end.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

/** Decodes leniently (invalid bytes become U+FFFD): a preview must work for undecodable rows too. */
export function previewOfBytes(bytes: Uint8Array): string {
  const head = bytes.length > PREVIEW_BYTES ? bytes.subarray(0, PREVIEW_BYTES) : bytes;
  return previewOfString(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8'));
}

/** Shortens free text (error messages, offending values) that goes into a `detail`. */
export function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

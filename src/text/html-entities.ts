import { decodeHTMLAttribute } from 'entities';

/**
 * HTML character references, decoded by `entities` (the WHATWG table, all 2,231 names, numeric
 * references with the Windows-1252 fix-ups of the spec) with two choices made for running text:
 *
 * - A legacy reference without its semicolon (`&amp`, `&nbsp`, `&not`...) is decoded only when no
 *   letter, digit or `=` follows, as the spec does inside attributes: plain text such as
 *   "Terms&notice" or "&copy2020" keeps its words instead of becoming "Terms¬ice".
 * - What decodes to an invisible format character (`&shy;`, `&zwnj;`, `&ZeroWidthSpace;`, a bidi
 *   mark; Unicode category Cf) is dropped, so "co&shy;operate" stays one word.
 *
 * Unknown names ("&bogus;") stay as written. The Glue job decodes with a table generated from this
 * function (src/jobs/glue-text-rules.ts) and is checked against it name by name.
 */
export const ENTITY_PATTERN = /&(?:#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[a-zA-Z][a-zA-Z0-9]{0,31};?)/g;

const FORMAT_CHARACTERS = /\p{Cf}/gu;

/** Decoded references by reference + U+0000 + the character after it: mail repeats a few dozen. */
const decodedReferences = new Map<string, string>();
const MAX_CACHED_REFERENCES = 10_000;

function decodeReference(reference: string, offset: number, text: string): string {
  // The character after the reference decides whether a legacy name without ";" is decoded.
  const next = text.charAt(offset + reference.length);
  const key = `${reference}\u0000${next}`;
  let value = decodedReferences.get(key);
  if (value === undefined) {
    value = decodeOne(reference, next);
    if (decodedReferences.size >= MAX_CACHED_REFERENCES) decodedReferences.clear();
    decodedReferences.set(key, value);
  }
  return value;
}

function decodeOne(reference: string, next: string): string {
  const decoded = decodeHTMLAttribute(reference + next);
  if (decoded === reference + next) return reference;
  const value = next === '' ? decoded : decoded.slice(0, decoded.length - next.length);
  return value.replace(FORMAT_CHARACTERS, '');
}

export function decodeHtmlEntities(text: string): string {
  return text.includes('&') ? text.replace(ENTITY_PATTERN, decodeReference) : text;
}

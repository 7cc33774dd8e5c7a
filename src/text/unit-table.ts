/**
 * Per UTF-16 code unit, 1 when the unit on its own is a character of `charClass` (a one-character
 * Unicode class such as `[\p{L}\p{N}]`), else 0; surrogates are 0 (a pair is a code point outside
 * this table). Built once from one regular-expression pass over the Basic Multilingual Plane
 * (~3 ms), so scanning loops look every character up in one typed-array read instead of testing a
 * regular expression the first time a character is met (a rare branch that made V8 re-optimise
 * them as documents in new scripts came by).
 */
export function unitTable(charClass: string): Uint8Array {
  const units = new Uint16Array(0x10000);
  // Surrogates stay U+0000: alone they are no character of any class used here.
  for (let c = 1; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) units[c] = c;
  const all = Buffer.from(units.buffer).toString('utf16le');
  const table = new Uint8Array(0x10000);
  // Runs of the class: a few thousand matches rather than one per character.
  const runs = new RegExp(`${charClass}+`, 'gu');
  for (let match = runs.exec(all); match !== null; match = runs.exec(all)) {
    table.fill(1, match.index, match.index + match[0].length);
  }
  table[0] = 0;
  return table;
}

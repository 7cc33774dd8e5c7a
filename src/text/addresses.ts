import { unitTable } from './unit-table';

// By code unit: [A-Za-z0-9_], or a letter or digit of another script (a lone surrogate is neither).
// The scans below run over every local part and domain of a mail.
const WORD_UNIT = unitTable('[\\p{L}\\p{N}]');
for (let c = 0; c < 128; c++) WORD_UNIT[c] = /[A-Za-z0-9_]/.test(String.fromCharCode(c)) ? 1 : 0;

function isWordChar(c: number): boolean {
  return WORD_UNIT[c] === 1;
}

function isLocalPartChar(c: number): boolean {
  return isWordChar(c) || c === 46 || c === 37 || c === 43 || c === 45; // . % + -
}

function isDomainChar(c: number): boolean {
  return (c !== 95 && isWordChar(c)) || c === 45 || c === 46; // not _, but - and .
}

/**
 * Replaces e-mail addresses and @mentions with spaces. A scan outward from each "@" instead of a
 * regular expression: an address pattern has to be tried at every letter of the text (base64 and
 * quoted mail make that the slowest step of cleaning), while "@" itself is rare.
 */
export function removeAddresses(text: string): string {
  let at = text.indexOf('@');
  if (at === -1) return text;
  let out = '';
  let copied = 0;
  while (at !== -1) {
    let start = at;
    while (start > copied && isLocalPartChar(text.charCodeAt(start - 1))) start--;
    let end = at + 1;
    if (start < at) {
      while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
      while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
      const domain = text.slice(at + 1, end);
      const dot = domain.indexOf('.');
      if (dot <= 0 || dot === domain.length - 1) end = at + 1;
    } else {
      while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
    }
    if (end > at + 1) {
      out += text.slice(copied, start) + ' ';
      copied = end;
    }
    at = text.indexOf('@', Math.max(end, at + 1));
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function isWordChar(ch: string): boolean {
  return ch.charCodeAt(0) < 128 ? /[A-Za-z0-9_]/.test(ch) : LETTER_OR_DIGIT.test(ch);
}

function isLocalPartChar(ch: string): boolean {
  return isWordChar(ch) || ch === '.' || ch === '%' || ch === '+' || ch === '-';
}

function isDomainChar(ch: string): boolean {
  return (ch !== '_' && isWordChar(ch)) || ch === '-' || ch === '.';
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
    while (start > copied && isLocalPartChar(text[start - 1])) start--;
    let end = at + 1;
    if (start < at) {
      while (end < text.length && isDomainChar(text[end])) end++;
      while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
      const domain = text.slice(at + 1, end);
      const dot = domain.indexOf('.');
      if (dot <= 0 || dot === domain.length - 1) end = at + 1;
    } else {
      while (end < text.length && isWordChar(text[end])) end++;
    }
    if (end > at + 1) {
      out += text.slice(copied, start) + ' ';
      copied = end;
    }
    at = text.indexOf('@', Math.max(end, at + 1));
  }
  return copied === 0 ? text : out + text.slice(copied);
}

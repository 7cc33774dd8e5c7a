/**
 * PII redaction: e-mail addresses, URLs and phone numbers become [EMAIL], [URL] and [PHONE].
 * Pure and deterministic (no I/O, no state), so the in-worker cleaning, the local ETL process and
 * tests give the same output. Order matters: e-mail first (an address contains a domain that looks
 * like a URL), then URLs (they may contain digit runs), then phone numbers.
 *
 * Deliberately conservative about numbers: dates, times, IP addresses, prices, years, version
 * numbers and plain digit runs (order numbers) are left alone; a phone number needs a leading
 * +/00 country code, parentheses, or at least three separated groups (or the 3-4 local form).
 */

export const PII_TOKENS = { email: '[EMAIL]', phone: '[PHONE]', url: '[URL]' } as const;

export interface PiiCounts {
  email: number;
  phone: number;
  url: number;
}

// local@domain.tld, letters of any script; an optional mailto: goes with it.
const EMAIL =
  /(?:mailto:)?(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}_%+-](?:[\p{L}\p{N}._%+-]*[\p{L}\p{N}_%+-])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{N}-])/gu;

// scheme://… or www.…, up to whitespace or a character that cannot be in a URL.
const SCHEME_URL = /\b(?:(?:https?|ftp|sftp|ssh|file):\/\/|www\.)[^\s<>"'`{}|\\^]+/giu;
// A bare host with a common top-level domain, with or without a path: example.com, bit.ly/x.
const BARE_HOST =
  /(?<![\p{L}\p{N}@.\-/])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|org|net|edu|gov|mil|int|io|co|info|biz|me|ly|gl|app|dev|ai|us|uk|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|ie|ru|cn|jp|kr|in|br|mx|ar|ca|au|nz|za|eu)(?::\d{2,5})?(?:\/[^\s<>"'`{}|\\^]*)?(?![\p{L}\p{N}-])/giu;

// Candidates; isPhone decides. Groups of 1-4 digits (the first may be in parentheses, the last may
// run to 8: "+49 (0)30 1234567") joined by one space, dot or dash, optionally after +CC / 00CC;
// or + and digits without separators.
const PHONE =
  /(?<![\p{L}\p{N}_+.\-/,])(?:\+\d{7,15}|(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?|\d{1,4}[ .-])(?:\d{1,4}[ .-]){0,4}\d{2,8})(?![\p{L}\p{N}_]|[.,:\-/]\d)/gu;

const CURRENCY_BEFORE = /[$€£¥₹]\s?$|\b(?:USD|EUR|GBP|JPY|INR|CHF|CAD|AUD|MXN|BRL|Rs\.?)\s?$/i;
const CURRENCY_AFTER = /^\s?(?:[$€£¥₹%]|(?:USD|EUR|GBP|JPY|INR|CHF|CAD|AUD|MXN|BRL|dollars?|euros?|pounds?|yen|rupees?|percent)\b)/i;

function isYear(group: string): boolean {
  return /^(?:19|20)\d\d$/.test(group);
}

function looksLikeDate(groups: string[], seps: string[]): boolean {
  if (groups.length !== 3 || seps.some((s) => s === ' ')) return false;
  const [a, b, c] = groups;
  const short = (g: string) => g.length <= 2 && Number(g) >= 1 && Number(g) <= 31;
  return (a.length === 4 && short(b) && short(c)) || (short(a) && short(b) && (c.length === 4 || c.length === 2));
}

/** Decides whether a PHONE candidate is a phone number. */
export function isPhone(candidate: string, before = '', after = ''): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after)) return false;
  if (/^\+\d+$/.test(candidate)) return true; // E.164 without separators

  const international = /^(?:\+|00)/.test(candidate);
  const parenthesised = candidate.includes('(');
  const body = international ? candidate.replace(/^(?:\+|00)\d{1,3}[ .-]?/, '') : candidate;
  const groups = body.split(/[ .\-()]+/).filter((g) => g !== '');
  const seps = body.match(/[ .-]/g) ?? [];

  if (groups.every(isYear)) return false; // "2019 2020 2021"
  if (looksLikeDate(groups, seps)) return false;
  // Dotted quads are IP addresses; dotted pairs are decimals.
  if (!international && seps.length > 0 && seps.every((s) => s === '.') && (groups.length === 4 || groups.length === 2)) return false;
  if (international || parenthesised) return groups.length >= 2 || digits.length >= 9;
  if (groups.length >= 3) {
    // "1 2 3 4 5 6 7": single digits separated are counts or lists, not numbers to dial.
    return groups.filter((g) => g.length >= 2).length >= groups.length - 1 && groups[groups.length - 1].length >= 2;
  }
  // Two groups: only the local 3-4 form (555-1234), not 1990-1995 or 12 3456.
  return groups.length === 2 && groups[0].length === 3 && groups[1].length === 4 && seps[0] !== ' ';
}

/** Strips what usually ends a sentence rather than a URL; keeps balanced closing brackets. */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const ch = url[end - 1];
    if (end > 0 && '.,;:!?\'"*'.includes(ch)) {
      end--;
      continue;
    }
    if (ch === ')' || ch === ']') {
      const open = ch === ')' ? '(' : '[';
      const body = url.slice(0, end);
      if (body.split(open).length - 1 < body.split(ch).length - 1) {
        end--;
        continue;
      }
    }
    return url.slice(0, end);
  }
}

/** `redactPii` and how many of each kind it replaced. */
export function redactPiiWithCounts(text: string): { text: string; counts: PiiCounts } {
  const counts: PiiCounts = { email: 0, phone: 0, url: 0 };
  if (text === '') return { text, counts };
  let out = text;
  if (out.includes('@')) {
    out = out.replace(EMAIL, () => {
      counts.email++;
      return PII_TOKENS.email;
    });
  }
  const url = (match: string) => {
    const kept = trimUrl(match);
    if (kept.length === 0) return match;
    counts.url++;
    return PII_TOKENS.url + match.slice(kept.length);
  };
  out = out.replace(SCHEME_URL, url);
  if (out.includes('.')) out = out.replace(BARE_HOST, url);
  if (/\d/.test(out)) {
    out = out.replace(PHONE, (match: string, offset: number, whole: string) => {
      if (!isPhone(match, whole.slice(Math.max(0, offset - 6), offset), whole.slice(offset + match.length, offset + match.length + 10)))
        return match;
      counts.phone++;
      return PII_TOKENS.phone;
    });
  }
  return { text: out, counts };
}

/** The text with e-mail addresses, URLs and phone numbers replaced by [EMAIL], [URL], [PHONE]. */
export function redactPii(text: string): string {
  return redactPiiWithCounts(text).text;
}

/**
 * The hook for cleaning (REDACT_PII=true): a row's title and body redacted, the rest untouched.
 * Call it on the staged row before cleanDocument, so `text_clean`, tokens, stems and everything
 * scored from them never see the originals.
 */
export function redactDocumentPii<T extends { title?: string | null; body: string }>(row: T): T {
  return {
    ...row,
    body: redactPii(row.body),
    ...(typeof row.title === 'string' && { title: redactPii(row.title) }),
  };
}

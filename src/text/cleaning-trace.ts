import { removeAddresses } from './addresses';
import { CLEANING_PATTERNS as P } from './clean';
import { decodeHtmlEntities } from './html-entities';

/** Characters each cleaning step took out of one document (what the batch report shows). */
export interface CleaningTrace {
  /** Characters of the text before cleaning (title + body). */
  rawChars: number;
  /** HTML tags, comments, scripts and styles; entities decoded to their character count here too. */
  markup: number;
  urls: number;
  /** E-mail addresses and @mentions. */
  addresses: number;
  /** Punctuation, symbols and apostrophes inside words: everything between words that is not white space. */
  punctuation: number;
  /** The words, exactly as cleanTokens returns them. */
  tokens: string[];
}

function replaceCounting(s: string, pattern: RegExp, by: string, count: { n: number }): string {
  return s.replace(pattern, (match: string) => {
    count.n += match.length - by.length;
    return by;
  });
}

/**
 * cleanTokens (src/text/clean.ts) step by step, counting what each step removes. Same patterns,
 * same order, so `tokens` equals cleanTokens(text) (a test checks it on the cleaning vectors).
 * Slower than cleanTokens: used for batch profiles, not in the scoring path.
 */
export function traceCleaning(text: string): CleaningTrace {
  let s = P.NON_ASCII.test(text) ? text.normalize('NFC') : text;
  const rawChars = s.length;
  const markup = { n: 0 };
  if (s.includes('<')) {
    s = replaceCounting(s, P.SCRIPT_OR_STYLE, ' ', markup);
    s = replaceCounting(s, P.HTML_COMMENT, ' ', markup);
    s = replaceCounting(s, P.HTML_TAG, ' ', markup);
  }
  const beforeEntities = s.length;
  s = decodeHtmlEntities(s);
  markup.n += beforeEntities - s.length;
  const urls = { n: 0 };
  if (P.URL_HINT.test(s)) s = replaceCounting(s, P.URL, ' ', urls);
  const beforeAddresses = s.length;
  s = removeAddresses(s);
  const addresses = Math.max(0, beforeAddresses - s.length);
  s = s.toLowerCase();
  const apostrophes = { n: 0 };
  if (P.APOSTROPHE_HINT.test(s)) s = replaceCounting(s, P.INNER_APOSTROPHE, '', apostrophes);
  const tokens = s.match(P.WORD) ?? [];
  let wordChars = 0;
  for (const t of tokens) wordChars += t.length;
  let space = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000) space++;
  }
  const punctuation = apostrophes.n + Math.max(0, s.length - wordChars - space);
  return { rawChars, markup: markup.n, urls: urls.n, addresses, punctuation, tokens };
}

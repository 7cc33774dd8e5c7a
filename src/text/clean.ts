import { removeAddresses } from './addresses';
import { decodeHtmlEntities } from './html-entities';

// Compiled once: cleaning runs on every document of every batch.
const SCRIPT_OR_STYLE = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
// A tag starts with a letter (or "/" or "!" + letter), so "a < b > c" in prose survives.
const HTML_TAG = /<[/!]?[a-zA-Z][^<>]*>/g;
const URL = /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"]+/gi;
const URL_HINT = /:\/\/|www\./i;
// "don't" -> "dont" rather than "don t": negations must stay one token for the stopword filter.
// The apostrophe comes first and the letter before it is a look-behind: a leading look-behind
// would be tried at every position of the text (15x slower on mail).
const INNER_APOSTROPHE = /['’ʼ](?<=\p{L}.)(?=\p{L})/gu;
const APOSTROPHE_HINT = /['’ʼ]/;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const NON_ASCII = /[\u0080-\uffff]/;

/** `text` of the data dictionary: the title and the body, one per line. */
export function composeText(title: string | undefined, body: string): string {
  return title ? `${title}\n${body}` : body;
}

/**
 * The words of `text_clean`: markup, URLs, e-mail addresses, @mentions and punctuation removed,
 * lower case. Letters of every script keep their accents (NFC); digits are words too.
 */
export function cleanTokens(text: string): string[] {
  let s = NON_ASCII.test(text) ? text.normalize('NFC') : text;
  if (s.includes('<')) {
    s = s.replace(SCRIPT_OR_STYLE, ' ').replace(HTML_COMMENT, ' ').replace(HTML_TAG, ' ');
  }
  s = decodeHtmlEntities(s);
  if (URL_HINT.test(s)) s = s.replace(URL, ' ');
  s = removeAddresses(s).toLowerCase();
  if (APOSTROPHE_HINT.test(s)) s = s.replace(INNER_APOSTROPHE, '');
  return s.match(WORD) ?? [];
}

/** `text_clean` of the data dictionary: the cleaned words separated by single spaces. */
export function cleanText(text: string): string {
  return cleanTokens(text).join(' ');
}

/** Splits a `text_clean` string back into its words. */
export function tokenize(textClean: string): string[] {
  return textClean === '' ? [] : textClean.split(' ');
}

/** The patterns above, for the cleaning trace (src/text/cleaning-trace.ts) that must match them exactly. */
export const CLEANING_PATTERNS = {
  SCRIPT_OR_STYLE,
  HTML_COMMENT,
  HTML_TAG,
  URL,
  URL_HINT,
  INNER_APOSTROPHE,
  APOSTROPHE_HINT,
  WORD,
  NON_ASCII,
} as const;

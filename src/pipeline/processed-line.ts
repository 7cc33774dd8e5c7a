import type { ProcessedRecord, Sentiment, SourcePosition } from './records';

/**
 * A processed/ line as every ETL path writes it (data dictionary v2): the record of
 * `ProcessedRecord` with its three token lists folded into strings, about half the bytes of a v1
 * line and a handful of strings instead of one per token, so serialising, hashing, writing and
 * re-reading a shard all cost less.
 *
 * - `tokens` is `text_clean` split at its spaces: cleaning joins the tokens with single spaces and
 *   no token holds one.
 * - `kept` has one character per token, `1` where the token is kept and `0` where it is a
 *   stopword: `tokens_nostop` is the tokens marked `1`, in order.
 * - `stems` is the kept tokens' stems joined by single spaces.
 *
 * Readers accept v1 lines too, with the lists as arrays (written by earlier versions, and for a
 * record whose lists would not fold back): `decodeProcessedLine` turns either into the lists.
 * The Glue job's twin of the encoder is `compact_record` in glue/nlp_clean_job.py.
 */
export interface ProcessedLineV2 {
  v: 2;
  id: string;
  source: SourcePosition;
  label: string | null;
  text_clean: string;
  kept: string;
  stems: string;
  sentiment: Sentiment;
  language: 'en' | 'es';
}

// One byte per token, '0' or '1', turned into the `kept` string at once.
let mask = Buffer.alloc(1024);
const KEPT = 0x31;
const DROPPED = 0x30;

/** Separators in `text` (a joined list of `count` items holds count - 1 of them). */
function spacesIn(text: string): number {
  let n = 0;
  for (let at = text.indexOf(' '); at !== -1; at = text.indexOf(' ', at + 1)) n++;
  return n;
}

/** Whether `joined` splits back into exactly `count` items (no item empty or holding a space). */
function splitsBack(joined: string, count: number): boolean {
  return count === 0 ? joined === '' : joined !== '' && spacesIn(joined) === count - 1;
}

/**
 * The record as one JSON line (without the newline): v2 whenever its lists fold losslessly, which
 * is always for what `cleanDocument` returns; a record that would not round-trip is written as v1.
 */
export function encodeProcessedLine(record: ProcessedRecord): string {
  const { tokens, tokens_nostop: kept } = record;
  const stems = record.stems.join(' ');
  if (!splitsBack(record.text_clean, tokens.length) || !splitsBack(stems, record.stems.length) || record.stems.length !== kept.length)
    return JSON.stringify(record);
  if (mask.length < tokens.length) mask = Buffer.alloc(2 * tokens.length);
  // tokens_nostop is tokens in order minus stopwords, and a word's stopword-ness depends only on
  // the word: so the next kept token is the first remaining token equal to it.
  let k = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (k < kept.length && tokens[i] === kept[k]) {
      mask[i] = KEPT;
      k++;
    } else mask[i] = DROPPED;
  }
  if (k !== kept.length) return JSON.stringify(record);
  const line: ProcessedLineV2 = {
    v: 2,
    id: record.id,
    source: record.source,
    label: record.label,
    text_clean: record.text_clean,
    kept: mask.toString('latin1', 0, tokens.length),
    stems,
    sentiment: record.sentiment,
    language: record.language,
  };
  return JSON.stringify(line);
}

/** A processed line's lists, from either version; a v1 line is returned as it is. */
export type DecodedProcessedLine = Record<string, unknown> & {
  tokens?: unknown;
  tokens_nostop?: unknown;
  stems?: unknown;
};

/**
 * A parsed processed line with its token lists as arrays. v1 values pass through unchecked (the
 * caller checks their shape); a v2 value whose parts disagree (a `kept` mark per token, a stem per
 * kept token) is refused with the reason, never guessed at.
 */
export function decodeProcessedLine(value: unknown): DecodedProcessedLine {
  const r = value as Record<string, unknown> | null;
  if (typeof r !== 'object' || r === null || r.v !== 2) return r as DecodedProcessedLine;
  if (typeof r.text_clean !== 'string' || typeof r.kept !== 'string' || typeof r.stems !== 'string')
    throw new TypeError('a v2 processed line needs text_clean, kept and stems as strings');
  const { v: _version, kept: marks, ...rest } = r as unknown as ProcessedLineV2;
  const tokens = rest.text_clean === '' ? [] : rest.text_clean.split(' ');
  if (marks.length !== tokens.length) throw new TypeError(`kept has ${marks.length} marks for ${tokens.length} tokens`);
  const tokensNoStop: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const c = marks.charCodeAt(i);
    if (c === KEPT) tokensNoStop.push(tokens[i]);
    else if (c !== DROPPED) throw new TypeError(`kept may hold only 0 and 1, found ${JSON.stringify(marks[i])}`);
  }
  const stems = rest.stems === '' ? [] : rest.stems.split(' ');
  if (stems.length !== tokensNoStop.length) throw new TypeError(`${stems.length} stems for ${tokensNoStop.length} kept tokens`);
  return { ...rest, tokens, tokens_nostop: tokensNoStop, stems };
}

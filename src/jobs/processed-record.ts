import { decodeProcessedLine } from '../pipeline/processed-line';
import type { ProcessedRecord } from '../pipeline/records';
import { detectLanguage, sentimentLabel, spanishCompound, stemToken, vaderCompound, type TextOptions } from '../text';
import { parseShard } from './shard-lines';
import { PermanentTaskError } from './task-errors';

/**
 * A processed record that may lack the later columns: the Glue job writes the whole data dictionary
 * (stems, VADER sentiment and language included, checked against src/text by shared vectors), but
 * shards written by earlier versions of the job carried only text, text_clean and the token lists.
 * Those are completed here, the way cleanDocument computes the missing columns.
 */
export type PartialProcessedRecord = Omit<ProcessedRecord, 'stems' | 'sentiment' | 'language'> &
  Partial<Pick<ProcessedRecord, 'stems' | 'sentiment' | 'language'>> & {
    /** title + body before cleaning; VADER needs capitals, punctuation and emoticons. */
    text?: string;
  };

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Rejects a line that is JSON but not a processed record (a wrong key in the spec, a bad writer). */
export function assertProcessedShape(value: unknown, where: string): asserts value is PartialProcessedRecord {
  const r = value as Record<string, unknown> | null;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.id !== 'string' ||
    typeof r.text_clean !== 'string' ||
    !isStringArray(r.tokens) ||
    !isStringArray(r.tokens_nostop) ||
    (r.stems !== undefined && !isStringArray(r.stems))
  ) {
    throw new PermanentTaskError(`${where}: not a processed record (needs id, text_clean, tokens, tokens_nostop)`);
  }
}

/**
 * A parsed processed line, v1 or the compact v2 (src/pipeline/processed-line.ts),
 * checked and with its token lists as arrays; a line that is neither is a permanent error.
 */
export function readProcessedRecord(value: unknown, where: string): PartialProcessedRecord {
  let decoded: unknown;
  try {
    decoded = decodeProcessedLine(value);
  } catch (err) {
    throw new PermanentTaskError(`${where}: not a processed record (${(err as Error).message})`);
  }
  assertProcessedShape(decoded, where);
  return decoded;
}

/**
 * A processed shard's records, v1 or v2 lines, checked: a line that is not JSON or not a processed
 * record is a permanent error naming it (a retry would read the same bytes).
 */
export function readProcessedShard(content: Buffer, key: string): PartialProcessedRecord[] {
  return parseShard(content, key).map((value, i) => readProcessedRecord(value, `${key} record ${i + 1}`));
}

/**
 * Fills `stems` and `sentiment` the way `cleanDocument` computes them, from the fields the ETL
 * stage kept. With `text` present the result equals in-worker cleaning; without it VADER falls back
 * to `text_clean` (lower case, no punctuation), which scores emphasis and emoticons less strongly.
 */
export function completeProcessedRecord(record: PartialProcessedRecord, options: TextOptions): ProcessedRecord {
  const needsStems = record.stems === undefined;
  const needsSentiment = record.sentiment === undefined;
  const { text, ...rest } = record;
  const language = record.language ?? (options.detectLanguage ? detectLanguage(record.tokens, options.language) : options.language);
  if (!needsStems && !needsSentiment) return { ...rest, language } as ProcessedRecord;
  let stems = record.stems;
  if (stems === undefined) {
    stems = options.stem ? record.tokens_nostop.map((token) => stemToken(token, language)) : record.tokens_nostop;
  }
  let sentiment = record.sentiment;
  if (sentiment === undefined) {
    const compound = language === 'en' ? vaderCompound(text ?? record.text_clean) : spanishCompound(record.tokens);
    sentiment = { compound, label: sentimentLabel(compound) };
  }
  return { ...rest, stems, sentiment, language };
}

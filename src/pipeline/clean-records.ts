import { cleanDocument, redactDocumentPii, type TextOptions } from '../text';
import type { ProcessedRecord, StagedRecord } from './records';

/**
 * One staged row to a processed row (the data dictionary's fields). Every cleaning path calls this.
 * With `redactPii`, e-mail addresses, phone numbers and URLs become placeholders first, so nothing
 * downstream (processed shards, results, statistics) ever holds them.
 */
export function cleanStagedRecord(staged: StagedRecord, text: Partial<TextOptions>, redactPii = false): ProcessedRecord {
  const row = redactPii ? redactDocumentPii(staged) : staged;
  const clean = cleanDocument({ title: row.title ?? '', body: row.body }, text);
  return {
    id: row.id,
    source: row.source,
    label: row.label ?? null,
    text_clean: clean.textClean,
    tokens: clean.tokens,
    tokens_nostop: clean.tokensNoStop,
    stems: clean.stems,
    sentiment: clean.sentiment,
    language: clean.language,
  };
}

/** Staged rows to processed rows. */
export function cleanStagedRecords(staged: readonly StagedRecord[], text: Partial<TextOptions>, redactPii = false): ProcessedRecord[] {
  const processed: ProcessedRecord[] = new Array(staged.length);
  for (let i = 0; i < staged.length; i++) processed[i] = cleanStagedRecord(staged[i], text, redactPii);
  return processed;
}

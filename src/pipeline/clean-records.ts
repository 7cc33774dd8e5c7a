import { cleanDocument, redactDocumentPii, type TextOptions } from '../text';
import type { ProcessedRecord, StagedRecord } from './records';

/**
 * Staged rows to processed rows (the data dictionary's fields). Every cleaning path calls this.
 * With `redactPii`, e-mail addresses, phone numbers and URLs become placeholders first, so nothing
 * downstream (processed shards, results, statistics) ever holds them.
 */
export function cleanStagedRecords(staged: readonly StagedRecord[], text: Partial<TextOptions>, redactPii = false): ProcessedRecord[] {
  const processed: ProcessedRecord[] = new Array(staged.length);
  for (let i = 0; i < staged.length; i++) {
    const row = redactPii ? redactDocumentPii(staged[i]) : staged[i];
    const clean = cleanDocument({ title: row.title ?? '', body: row.body }, text);
    processed[i] = {
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
  return processed;
}

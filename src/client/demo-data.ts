import { promises as fs } from 'node:fs';
import path from 'node:path';
import { csvRow } from '../datasets/csv-writer';
import { loadSpamAssassin, LabelledMessage } from '../datasets/spam-assassin';

export interface DemoFiles {
  training: string;
  incoming: string[];
}

/**
 * Splits the real SpamAssassin corpus into a labelled training file and "incoming" files for the
 * demo batch: every fourth message is held out as incoming, so the batch's labels measure the model
 * honestly. A small JSON Lines file with a few broken rows shows quarantine at work.
 */
export async function writeDemoFiles(dir: string, incomingLimit?: number): Promise<DemoFiles> {
  await fs.mkdir(dir, { recursive: true });
  const messages = loadSpamAssassin().filter((m) => m.body.trim() !== '');
  const training: LabelledMessage[] = [];
  const incoming: LabelledMessage[] = [];
  messages.forEach((m, i) => (i % 4 === 3 ? incoming : training).push(m));
  const limited = incomingLimit === undefined ? incoming : incoming.slice(0, incomingLimit);

  const toCsv = (rows: LabelledMessage[]) =>
    csvRow(['id', 'subject', 'body', 'label']) + rows.map((m) => csvRow([m.id, m.subject, m.body, m.label])).join('');
  const files: DemoFiles = {
    training: path.join(dir, 'spamassassin-train.csv'),
    incoming: [path.join(dir, 'incoming-mail.csv'), path.join(dir, 'incoming-messy.jsonl')],
  };
  await fs.writeFile(files.training, toCsv(training));
  await fs.writeFile(files.incoming[0], toCsv(limited));
  const messy = [
    JSON.stringify({ id: 'm1', subject: 'Meeting moved', text: 'The review meeting moved to Thursday at 10, same room.' }),
    JSON.stringify({ id: 'm2', subject: 'You WON', text: 'Claim your FREE prize now!!! Click http://example.com/win to get $1000 cash' }),
    '{"id": "m3", "text": "a line cut off in the middle',
    JSON.stringify({ id: 'm4', subject: 'empty', text: '   ' }),
    JSON.stringify(['not', 'an', 'object']),
    JSON.stringify({ id: 'm5', subject: 'Lunch?', text: 'Are you free for lunch tomorrow? The new place near the office.' }),
  ];
  await fs.writeFile(files.incoming[1], messy.join('\n') + '\n');
  return files;
}

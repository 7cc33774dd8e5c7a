import { promises as fs } from 'node:fs';
import path from 'node:path';
import { csvRow } from '../datasets/csv-writer';
import { heldOutSplit } from '../datasets/held-out-split';
import { loadSpamAssassin, LabelledMessage } from '../datasets/spam-assassin';

export interface DemoFiles {
  training: string;
  incoming: string[];
  /** What the split dropped or moved to keep the held-out batch apart from the training set. */
  split: { training: number; incoming: number; duplicates: number; nearDuplicatesMoved: number };
}

/**
 * Splits the real SpamAssassin corpus into a labelled training file and "incoming" files for the
 * demo batch: about every fourth unique message is held out as incoming, and none of them repeats
 * a training message, exactly or nearly (src/datasets/held-out-split.ts), so the accuracy on the
 * batch's labels is what the model does on mail it has not seen. A small JSON Lines file with a
 * few broken rows shows quarantine at work.
 */
export async function writeDemoFiles(dir: string, incomingLimit?: number): Promise<DemoFiles> {
  await fs.mkdir(dir, { recursive: true });
  const messages = loadSpamAssassin().filter((m) => m.body.trim() !== '');
  const { train: training, heldOut: incoming, duplicates, nearDuplicatesMoved } = heldOutSplit(messages, (m) => m.body, { every: 4 });
  const limited = incomingLimit === undefined ? incoming : incoming.slice(0, incomingLimit);

  const toCsv = (rows: LabelledMessage[]) =>
    csvRow(['id', 'subject', 'body', 'label']) + rows.map((m) => csvRow([m.id, m.subject, m.body, m.label])).join('');
  const files: DemoFiles = {
    training: path.join(dir, 'spamassassin-train.csv'),
    incoming: [path.join(dir, 'incoming-mail.csv'), path.join(dir, 'incoming-messy.jsonl')],
    split: { training: training.length, incoming: limited.length, duplicates, nearDuplicatesMoved },
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

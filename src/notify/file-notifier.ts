import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Notification, Notifier } from './notifier';

/**
 * The local stand-in for SNS: appends each notification to a JSON Lines file (which tests and
 * users can read back) and, optionally, prints a one-line summary to stderr.
 */
export class FileNotifier implements Notifier {
  constructor(
    private readonly file: string,
    private readonly echo: (line: string) => void = () => undefined,
  ) {}

  async publish(notification: Notification): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const entry = { at: new Date().toISOString(), ...notification };
    await fs.appendFile(this.file, JSON.stringify(entry) + '\n');
    this.echo(`[${notification.severity}] ${notification.subject}`);
  }
}

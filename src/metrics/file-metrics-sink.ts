import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { MetricDatum, MetricsSink } from './metrics-sink';

/** The local stand-in for CloudWatch: one JSON line per datum, appended to a file. */
export class FileMetricsSink implements MetricsSink {
  constructor(private readonly file: string) {}

  async record(data: MetricDatum[]): Promise<void> {
    if (data.length === 0) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const lines = data.map((d) => JSON.stringify({ ...d, timestamp: (d.timestamp ?? new Date()).toISOString() }));
    await fs.appendFile(this.file, lines.join('\n') + '\n');
  }
}

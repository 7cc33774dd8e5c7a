import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** What one or more exported result files hold, independent of the workflow's own counts. */
export interface ExportedResults {
  rows: number;
  /** id -> number of result records carrying it. */
  counts: Map<string, number>;
  /** sha256 over the sorted lines "id TAB predictedLabel TAB probabilities" of every record (duplicates included). */
  sha256: string;
}

export interface Accounting {
  rows: number;
  /** Input ids with no result record. */
  missing: number;
  /** Result records beyond the first for an id. */
  duplicated: number;
  /** Result records whose id is not an input id. */
  unexpected: number;
  sha256: string;
}

interface ExportedRecord {
  id?: unknown;
  predictedLabel?: unknown;
  probabilities?: unknown;
}

function canonicalProbabilities(probabilities: unknown): string {
  if (typeof probabilities !== 'object' || probabilities === null) return JSON.stringify(probabilities ?? null);
  const entries = Object.entries(probabilities as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(entries));
}

/** Reads exported JSON Lines files (`nlp-batch export`) as one set of results. */
export async function readExportedResults(files: string[]): Promise<ExportedResults> {
  const counts = new Map<string, number>();
  const lines: string[] = [];
  for (const file of files) {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const record = JSON.parse(line) as ExportedRecord;
      const id = String(record.id);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      lines.push(`${id}\t${String(record.predictedLabel)}\t${canonicalProbabilities(record.probabilities)}`);
    }
  }
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line + '\n');
  return { rows: lines.length, counts, sha256: hash.digest('hex') };
}

/** Missing, duplicated and unexpected rows of `results` against the input ids. */
export function account(results: ExportedResults, inputIds: Iterable<string>): Accounting {
  const expected = new Set(inputIds);
  let missing = 0;
  for (const id of expected) if (!results.counts.has(id)) missing++;
  let duplicated = 0;
  let unexpected = 0;
  for (const [id, n] of results.counts) {
    if (!expected.has(id)) unexpected += n;
    else duplicated += n - 1;
  }
  return { rows: results.rows, missing, duplicated, unexpected, sha256: results.sha256 };
}

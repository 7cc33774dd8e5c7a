/** JSON Lines helpers for shard-sized objects (a shard fits in memory by construction). */

export function toJsonl(records: readonly unknown[]): string {
  let out = '';
  for (const record of records) out += JSON.stringify(record) + '\n';
  return out;
}

export function parseJsonl<T>(content: Buffer | string, key: string): T[] {
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const records: T[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      throw new Error(`${key}: line ${lineNo} is not valid JSON`);
    }
  }
  return records;
}

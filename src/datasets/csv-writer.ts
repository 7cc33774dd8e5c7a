/** RFC 4180 CSV encoding: every field quoted, so commas, quotes and newlines in text survive. */
export function csvField(value: string | number | null): string {
  if (value === null) return '""';
  return `"${String(value).replace(/"/g, '""')}"`;
}

export function csvRow(values: Array<string | number | null>): string {
  return values.map(csvField).join(',') + '\r\n';
}

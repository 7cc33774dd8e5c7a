/**
 * Splits one CSV record (already decoded, terminator stripped) into fields. The record scanner has
 * validated the quoting, so this only has to undo it; an unbalanced quote cannot reach here.
 */
export function splitCsvFields(record: string, delimiter: string = ','): string[] {
  // Most records carry no quotes at all: let the engine's native split do the work.
  if (record.indexOf('"') === -1) return record.split(delimiter);

  const fields: string[] = [];
  const n = record.length;
  let i = 0;
  for (;;) {
    if (record.charCodeAt(i) !== 0x22) {
      const comma = record.indexOf(delimiter, i);
      if (comma === -1) {
        fields.push(record.slice(i));
        return fields;
      }
      fields.push(record.slice(i, comma));
      i = comma + 1;
      continue;
    }
    // Quoted field: copy the runs between escaped "" pairs.
    let value = '';
    let from = i + 1;
    for (;;) {
      const q = record.indexOf('"', from);
      if (q === -1) {
        // Unreachable for scanner-validated input; keep the text rather than lose it.
        value += record.slice(from);
        i = n;
        break;
      }
      if (record.charCodeAt(q + 1) === 0x22) {
        value += record.slice(from, q + 1);
        from = q + 2;
        continue;
      }
      value += record.slice(from, q);
      i = q + 1;
      break;
    }
    // A CRLF file and its LF twin must yield the same text; bare CRs are left alone.
    fields.push(value.indexOf('\r\n') === -1 ? value : value.replace(/\r\n/g, '\n'));
    if (i >= n) return fields;
    i++; // the delimiter after the closing quote
  }
}

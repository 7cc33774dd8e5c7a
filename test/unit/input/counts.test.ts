import { strict as assert } from 'node:assert';
import type { ParsedRow } from '../../../src/input';
import { rowsOf } from './helpers';

/** Every non-blank physical line belongs to exactly one row; rows come in file order. */
function assertPartition(rows: ParsedRow[], file: string, firstDataLine: number): void {
  const spans = rows.map((row) => (row.ok ? [row.record.line, null] : [row.rejected.line, row.rejected.endLine]));
  const lines = file.split('\n');
  const ends: number[] = [];
  rows.forEach((row, i) => {
    const start = spans[i]![0]!;
    const next = i + 1 < rows.length ? spans[i + 1]![0]! : lines.length + 1;
    // An ok record's last line is not reported; it ends before the next row starts.
    ends.push(row.ok ? next - 1 : row.rejected.endLine);
    assert.ok(start < next, `rows out of order at index ${i}`);
    assert.ok(ends[i]! < next, `rows overlap at index ${i}`);
  });
  lines.forEach((text, index) => {
    const line = index + 1;
    if (line < firstDataLine || /^[ \t\r]*$/.test(text)) return;
    const owners = spans.filter((span, i) => span[0]! <= line && line <= ends[i]!).length;
    assert.equal(owners, 1, `line ${line} (${JSON.stringify(text)}) belongs to ${owners} rows`);
  });
}

describe('input/readRecords row accounting', () => {
  const messyCsv = [
    'id,text,label',
    '1,ok,a',
    '',
    '2,"two',
    'lines",b',
    '3,bad"quote,c',
    '4,"open',
    '5,x,y',
    '6,,empty',
    '7,too,many,fields',
    '   ',
    '8,"closed"junk,z',
    '9,"dangling',
  ].join('\n');

  it('accounts for every non-blank line of a messy CSV exactly once, for any chunking', async () => {
    for (const size of [1, 7, 65536]) {
      const rows = await rowsOf(messyCsv, { fileName: 'a.csv' }, size);
      const ok = rows.filter((row) => row.ok).length;
      const rejected = rows.length - ok;
      assert.equal(ok + rejected, 9);
      assert.deepEqual([ok, rejected], [3, 6]);
      assertPartition(rows, messyCsv, 2);
    }
  });

  it('accounts for every non-blank line of JSON Lines and text files', async () => {
    const jsonl = '{"text":"a"}\n\n{"text":\n[1]\n   \n{"text":""}\n{"body":"b"}\n';
    const jsonRows = await rowsOf(jsonl, { fileName: 'a.jsonl' });
    assert.equal(jsonRows.length, 5);
    assertPartition(jsonRows, jsonl, 1);

    const text = 'a\n\n\r\nb\n\u3000\nc';
    const textRows = await rowsOf(text, { fileName: 'a.txt' });
    assert.equal(textRows.length, 4);
    assertPartition(textRows, text, 1);
  });
});

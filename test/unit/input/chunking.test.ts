import { strict as assert } from 'node:assert';
import type { ParsedRow, ReadOptions } from '../../../src/input';
import { rowsOf } from './helpers';

const invalid = Buffer.from([0xe2, 0x28, 0xa1]);
const join = (...parts: Array<string | Buffer>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

/** Files mixing every kind of row, multi-byte characters (split by most chunk sizes) and a BOM. */
const files: Array<[string, Buffer, Partial<ReadOptions>]> = [
  [
    'mixed.csv',
    join(
      '\ufeffid,title,text\r\n',
      '1,héllo,"multi\r\nline, with ""quotes"" 😀"\r\n',
      '2,日本語,テキスト🎉\r\n',
      '\r\n',
      '3,bad"quote,x\r\n',
      '4,"closed"junk,x\r\n',
      '5,wrong,count,here\r\n',
      '6,empty,\r\n',
      '7,bytes,',
      invalid,
      '\r\n',
      `8,long,${'ü'.repeat(300)}\r\n`,
      '9,"unterminated,x\r\n',
      '10,after,ok ✓\r\n',
      '11,no newline at end,fin',
    ),
    { maxRecordBytes: 400 },
  ],
  [
    'polarity.csv',
    join(
      '"2","Ünïcödé","👍 great"\n',
      '"1","t","bad\nmultiline"\n',
      '"5","x","y"\n',
      '"1","t"\n',
      `"2","big","${'ß'.repeat(300)}"\n`,
      '"2","z","end"',
    ),
    { maxRecordBytes: 400 },
  ],
  [
    'mixed.jsonl',
    join(
      '\ufeff{"text":"ä😀","id":1}\r\n',
      '\r\n',
      '{"text":\r\n',
      '[1,2]\n',
      '{"body":"',
      invalid,
      '"}\n',
      `{"text":"${'€'.repeat(200)}"}\n`,
      '{"text":"last 🎉"}',
    ),
    { maxRecordBytes: 400 },
  ],
  ['mixed.txt', join('\ufeffαβγ\n', '\n', 'line 😀 two\r\n', invalid, '\n', `${'x'.repeat(500)}\n`, 'tail ✓'), { maxRecordBytes: 400 }],
];

describe('input/readRecords chunk boundaries', () => {
  for (const [fileName, file, extra] of files) {
    it(`gives identical rows for ${fileName} fed in 1-byte, 7-byte and 64 KiB chunks`, async () => {
      const options = { fileName, ...extra };
      const reference: ParsedRow[] = await rowsOf(file, options, 64 * 1024);
      assert.ok(reference.some((row) => row.ok) && reference.some((row) => !row.ok), 'the file exercises both outcomes');
      for (const size of [1, 7, 13]) {
        assert.deepEqual(await rowsOf(file, options, size), reference, `chunk size ${size}`);
      }
    });
  }

  it('decodes characters split across chunks exactly', async () => {
    const text = 'a😀b日本€é\n'.repeat(20);
    for (const size of [1, 2, 3, 5, 7]) {
      const rows = await rowsOf(text, { fileName: 'a.txt' }, size);
      assert.equal(rows.length, 20);
      for (const row of rows) assert.ok(row.ok && row.record.body === 'a😀b日本€é', `chunk size ${size}`);
    }
  });

  it('strips a BOM split over three chunks', async () => {
    const rows = await rowsOf('\ufefftext\nhello\n', { fileName: 'a.csv' }, 1);
    assert.deepEqual(rows, [{ ok: true, record: { line: 2, id: null, title: '', body: 'hello', label: null } }]);
  });
});

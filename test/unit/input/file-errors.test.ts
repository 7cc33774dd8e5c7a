import { strict as assert } from 'node:assert';
import { InputFileError, readRecords } from '../../../src/input';
import { chunked, fileErrorOf, oks, readAll, rejects, rowsOf, summary } from './helpers';

describe('input/readRecords file-level errors and bad rows', () => {
  it('throws empty_file for empty, BOM-only and whitespace-only files in every format', async () => {
    for (const fileName of ['a.csv', 'a.jsonl', 'a.txt']) {
      for (const content of ['', '\ufeff', '\ufeff \r\n\n\t ']) {
        const error = await fileErrorOf(content, { fileName });
        assert.equal(error.code, 'empty_file', `${fileName} ${JSON.stringify(content)}`);
        assert.match(error.message, new RegExp(`^${fileName.replace('.', '\\.')} is empty`));
      }
    }
  });

  it('throws empty_file after the stream when whitespace runs past the detection head', async () => {
    const { rows, error } = await readAll(`${' \n'.repeat(100_000)}`, { fileName: 'a.txt' });
    assert.equal(rows.length, 0);
    assert.equal(error?.code, 'empty_file');
  });

  it('throws binary_file for NUL bytes, naming the file', async () => {
    const error = await fileErrorOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x0a]), { fileName: 'sheet.csv' });
    assert.equal(error.code, 'binary_file');
    assert.equal(error.fileName, 'sheet.csv');
    assert.match(error.message, /sheet\.csv is not a text file.*NUL/);
  });

  it('throws unknown_format for an unsupported extension unless a format is given', async () => {
    const error = await fileErrorOf('{"text":"x"}\n', { fileName: 'export.json' });
    assert.equal(error.code, 'unknown_format');
    assert.match(error.message, /export\.json.*\.jsonl/);
    assert.deepEqual(oks(await rowsOf('{"text":"x"}\n', { fileName: 'export.json', format: 'jsonl' })).length, 1);
  });

  it('rejects an invalid UTF-8 row in the middle and keeps reading, in every format', async () => {
    const bad = Buffer.from([0x62, 0x61, 0x64, 0x20, 0xc3, 0x28, 0x20, 0x78]); // "bad \xC3( x"
    const files: Array<[string, Buffer, string[]]> = [
      ['a.csv', Buffer.concat([Buffer.from('text\nfirst\n'), bad, Buffer.from('\nlast\n')]), ['2:first', '3-3:invalid_utf8', '4:last']],
      ['a.txt', Buffer.concat([Buffer.from('first\n'), bad, Buffer.from('\nlast\n')]), ['1:first', '2-2:invalid_utf8', '3:last']],
      [
        'a.jsonl',
        Buffer.concat([Buffer.from('{"text":"first"}\n{"text":"'), bad, Buffer.from('"}\n{"text":"last"}\n')]),
        ['1:first', '2-2:invalid_utf8', '3:last'],
      ],
    ];
    for (const [fileName, file, expected] of files) {
      const rows = await rowsOf(file, { fileName }, 3);
      assert.deepEqual(summary(rows), expected, fileName);
      const [rejected] = rejects(rows);
      assert.match(rejected!.detail, /invalid UTF-8 at byte \d+ of the row/);
      assert.ok(rejected!.preview.includes('\ufffd'), 'preview shows the bad byte as U+FFFD');
    }
  });

  it('reports the invalid byte position within a multi-line CSV record', async () => {
    const file = Buffer.concat([Buffer.from('text,n\n"ab\ncd'), Buffer.from([0xff]), Buffer.from('",1\nok,2\n')]);
    const rows = await rowsOf(file, { fileName: 'a.csv' });
    assert.deepEqual(summary(rows), ['2-3:invalid_utf8', '4:ok']);
    assert.match(rejects(rows)[0]!.detail, /byte 7 of the row/);
  });

  it('caps previews at 200 characters', async () => {
    const rows = await rowsOf(`text,n\n${'é'.repeat(500)}\n`, { fileName: 'a.csv' });
    assert.equal(rejects(rows)[0]!.preview, 'é'.repeat(200));
  });

  it('rejects a non-positive or fractional maxRecordBytes before reading', async () => {
    for (const maxRecordBytes of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(readAll('text\nx\n', { fileName: 'a.csv', maxRecordBytes }), RangeError);
    }
  });

  it('fails clearly when the source yields strings instead of bytes', async () => {
    async function* strings() {
      yield 'text\nx\n' as unknown as Uint8Array;
    }
    await assert.rejects(
      (async () => {
        for await (const row of readRecords(strings(), { fileName: 'a.csv' })) void row;
      })(),
      /must yield Uint8Array chunks.*encoding/,
    );
  });

  it('closes the source when the consumer stops early or detection fails', async () => {
    let closed = 0;
    function source(text: string): AsyncIterable<Uint8Array> {
      return {
        [Symbol.asyncIterator]() {
          const inner = chunked(text, 4);
          return {
            next: () => inner.next(),
            return: async () => {
              closed++;
              return inner.return(undefined);
            },
          };
        },
      };
    }
    for await (const row of readRecords(source(`text\n${'x\n'.repeat(100_000)}`), { fileName: 'a.csv' })) {
      assert.ok(row.ok);
      break;
    }
    assert.equal(closed, 1);
    await assert.rejects(
      (async () => {
        for await (const row of readRecords(source('x\n'.repeat(100_000)), { fileName: 'a.bin' })) void row;
      })(),
      InputFileError,
    );
    assert.equal(closed, 2);
  });
});

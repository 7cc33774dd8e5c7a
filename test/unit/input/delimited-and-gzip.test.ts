import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { detectDelimiter, InputFileError, openRecords, readRecords, type ParsedRow } from '../../../src/input';
import { bytesOf, chunked, fileErrorOf, oks, readAll, rejects, rowsOf, summary } from './helpers';

/** The same messy table in three spellings: every kind of bad row, and the good ones around them. */
function messy(d: string): string {
  return [
    `id${d}title${d}text${d}label`,
    `1${d}Hi${d}"a good, plain; row"${d}ham`,
    `2${d}Two${d}"spans`,
    `lines"${d}spam`,
    `3${d}t${d}bad"quote${d}ham`,
    `4${d}t${d}${d}ham`,
    `5${d}too${d}many${d}fields${d}here`,
    `6${d}t${d}"closed"junk${d}spam`,
    '',
    `7${d}t${d}last row${d}ham`,
  ].join('\n');
}
const MESSY_SUMMARY = [
  '2:a good, plain; row',
  '3:spans\nlines',
  '5-5:malformed_quoting',
  '6-6:empty_text',
  '7-7:wrong_column_count',
  '8-8:malformed_quoting',
  '10:last row',
];

describe('input/readRecords TSV and semicolon-separated CSV', () => {
  it('reads a TSV, a semicolon CSV and a comma CSV into the same rows, quarantining the same bad ones', async () => {
    for (const [fileName, d] of [
      ['a.tsv', '\t'],
      ['a.csv', ';'],
      ['a.csv', ','],
      ['export.txt.csv', '\t'],
    ] as const) {
      for (const size of [1, 5, 65536]) {
        const rows = await rowsOf(messy(d), { fileName }, size);
        assert.deepEqual(summary(rows), MESSY_SUMMARY, `${JSON.stringify(d)} in ${fileName}, chunks of ${size}`);
      }
    }
  });

  it('names the delimiter in the column-count reason', async () => {
    const detail = rejects(await rowsOf(messy(';'), { fileName: 'a.csv' })).find((r) => r.reason === 'wrong_column_count')!.detail;
    assert.match(detail, /expected 4 semicolon-separated fields as in the header, found 5; fields containing a semicolon must be quoted/);
  });

  it('detects the delimiter from the header line only, outside quotes; the override wins', async () => {
    const b = (s: string) => bytesOf(s);
    assert.equal(detectDelimiter('a.csv', b('id;text;label\n1,2,3,4,5\n')), ';');
    assert.equal(detectDelimiter('a.csv', b('"a,b,c";text\n')), ';');
    assert.equal(detectDelimiter('a.csv', b('\n\nid\ttext\n')), '\t');
    assert.equal(detectDelimiter('a.csv', b('text\n')), ',');
    assert.equal(detectDelimiter('a.tsv', b('text\n')), '\t');
    assert.equal(detectDelimiter('a.TSV.gz', b('text\n')), '\t');
    assert.equal(detectDelimiter('a.csv', b('a;b,c\n')), ',', 'a tie keeps the default');
    assert.equal(detectDelimiter('a.csv', b('id;text\n'), ','), ',');
    assert.throws(
      () => detectDelimiter('a.csv', b('text\n'), '|' as never),
      (e: unknown) => e instanceof InputFileError && e.code === 'unknown_format',
    );

    // One text column: the comma default keeps "a;b" whole; ";" given explicitly splits it.
    assert.deepEqual(summary(await rowsOf('text\na;b\n', { fileName: 'a.csv' })), ['2:a;b']);
    assert.deepEqual(summary(await rowsOf('text\na;b\n', { fileName: 'a.csv', delimiter: ';' })), ['2-2:wrong_column_count']);
    const opened = await openRecords(chunked('id;text\n1;x\n'), { fileName: 'a.csv', delimiter: ',' });
    assert.equal(opened.delimiter, ',');
    const { error } = await readAll('id;text\n1;x\n', { fileName: 'a.csv', delimiter: ',' });
    assert.equal(error?.code, 'missing_text_column', 'a header read with the wrong delimiter has no "text" column');
  });
});

describe('input/readRecords gzip-compressed files', () => {
  const plain = messy(',');
  const gz = gzipSync(Buffer.from(plain));

  it('reads a .gz file as the file inside, for any chunking, with the same quarantine', async () => {
    const expected = await rowsOf(plain, { fileName: 'a.csv' });
    for (const size of [1, 7, 65536]) {
      assert.deepEqual(await rowsOf(gz, { fileName: 'raw/b1/a.csv.gz' }, size), expected, `chunks of ${size}`);
    }
    const tsv = await openRecords(chunked(gzipSync(Buffer.from(messy('\t')))), { fileName: 'a.tsv.gz' });
    assert.deepEqual([tsv.format, tsv.delimiter, tsv.compression], ['csv', '\t', 'gzip']);
    const rows: ParsedRow[] = [];
    for await (const row of tsv.rows) rows.push(row);
    assert.deepEqual(summary(rows), MESSY_SUMMARY);
    const jsonl = await rowsOf(gzipSync('{"text":"a"}\n{"text":\n'), { fileName: 'x.jsonl.gz' });
    assert.deepEqual(summary(jsonl), ['1:a', '2-2:invalid_json']);
  });

  it('decompresses gzip content whatever its name, and several concatenated members', async () => {
    assert.deepEqual(summary(await rowsOf(gz, { fileName: 'a.csv' })), MESSY_SUMMARY);
    const twoMembers = Buffer.concat([gzipSync('text\nfirst\n'), gzipSync('second\n')]);
    assert.deepEqual(summary(await rowsOf(twoMembers, { fileName: 'a.csv.gz' })), ['2:first', '3:second']);
  });

  it('streams: the first rows come out before the compressed input is read to its end', async () => {
    // Random words, so that the compressed file is megabytes too and arrives in many chunks.
    const lines = Array.from({ length: 50_000 }, (_, i) => `document ${i} ${randomBytes(16).toString('hex')}`);
    const big = gzipSync(Buffer.from(`text\n${lines.join('\n')}\n`));
    let consumed = 0;
    async function* slowly() {
      for await (const chunk of chunked(big, 16 * 1024)) {
        consumed += chunk.length;
        yield chunk;
      }
    }
    let rows = 0;
    let consumedAtFirstRow = -1;
    for await (const row of readRecords(slowly(), { fileName: 'big.csv.gz' })) {
      if (rows++ === 0) consumedAtFirstRow = consumed;
      assert.ok(row.ok);
    }
    assert.equal(rows, 50_000);
    assert.ok(consumedAtFirstRow < big.length / 2, `read ${consumedAtFirstRow} of ${big.length} compressed bytes before the first row`);
  });

  it('rejects a .gz file that is not gzip, and truncated or corrupt gzip data, as invalid_compressed', async () => {
    const notGzip = await fileErrorOf('text\nplain\n', { fileName: 'a.csv.gz' });
    assert.equal(notGzip.code, 'invalid_compressed');
    assert.match(notGzip.message, /a\.csv\.gz ends in \.gz but is not gzip-compressed/);
    assert.equal((await fileErrorOf('', { fileName: 'a.csv.gz' })).code, 'empty_file');

    const truncated = await fileErrorOf(gz.subarray(0, gz.length - 20), { fileName: 'a.csv.gz' });
    assert.equal(truncated.code, 'invalid_compressed');
    assert.match(truncated.message, /a\.csv\.gz: the gzip data is truncated or corrupt/);

    const corrupt = Buffer.from(gz);
    for (let i = 20; i < corrupt.length - 10; i += 7) corrupt[i] ^= 0x5a;
    assert.equal((await fileErrorOf(corrupt, { fileName: 'a.csv.gz' })).code, 'invalid_compressed');
  });

  it('passes an error of the source itself through unchanged (infrastructure, to be retried)', async () => {
    async function* broken() {
      yield gz.subarray(0, 40);
      throw new Error('connection reset');
    }
    await assert.rejects(async () => {
      for await (const row of readRecords(broken(), { fileName: 'a.csv.gz' })) assert.ok(row);
    }, /connection reset/);
    assert.equal(oks(await rowsOf(gz, { fileName: 'a.csv.gz' })).length, 3);
  });
});

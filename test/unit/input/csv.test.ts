import { strict as assert } from 'node:assert';
import { fileErrorOf, oks, readAll, rejects, rowsOf, summary } from './helpers';

describe('input/readRecords csv', () => {
  it('reads a headered CSV with BOM, CRLF, quoted commas, escaped quotes and quoted newlines', async () => {
    const file =
      '\ufeffid,title,text,label\r\n' +
      'r1,Nice,"Good, really ""good""",positive\r\n' +
      'r2,"Two\r\nlines","first\r\nsecond",negative\r\n' +
      'r3,,plain,\r\n';
    const records = oks(await rowsOf(file, { fileName: 'reviews.csv' }));
    assert.deepEqual(records, [
      { line: 2, id: 'r1', title: 'Nice', body: 'Good, really "good"', label: 'positive' },
      { line: 3, id: 'r2', title: 'Two\nlines', body: 'first\nsecond', label: 'negative' },
      { line: 6, id: 'r3', title: '', body: 'plain', label: null },
    ]);
  });

  it('gives the same records for a CRLF file and its LF twin', async () => {
    const lf = 'text,label\n"a\nb",x\nc,y\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    assert.deepEqual(await rowsOf(crlf, { fileName: 'a.csv' }), await rowsOf(lf, { fileName: 'a.csv' }));
  });

  it('finds columns by default aliases, ignoring case, spaces and hyphens', async () => {
    const cases: Array<[string, string]> = [
      ['Review,Summary,Sentiment', 'body=hi title=t label=pos'],
      ['content,subject,polarity', 'body=hi title=t label=pos'],
      ['message,headline,class', 'body=hi title=t label=pos'],
      ['Review Text,Review-Title,target', 'body=hi title=t label=pos'],
      ['BODY,TITLE,LABEL', 'body=hi title=t label=pos'],
    ];
    for (const [header, expected] of cases) {
      const [record] = oks(await rowsOf(`${header}\nhi,t,pos\n`, { fileName: 'a.csv' }));
      assert.equal(`body=${record!.body} title=${record!.title} label=${record!.label}`, expected, header);
    }
  });

  it('prefers the most specific alias when several columns match', async () => {
    const [record] = oks(await rowsOf('message,text\nm,t\n', { fileName: 'a.csv' }));
    assert.equal(record!.body, 't');
  });

  it('uses an explicit column mapping over the aliases', async () => {
    const file = 'key,headline,text,review body,stars\nk1,H,not this,the body,5\n';
    const [record] = oks(
      await rowsOf(file, {
        fileName: 'a.csv',
        columns: { id: 'key', title: 'headline', text: 'Review Body', label: 'stars' },
      }),
    );
    assert.deepEqual(record, { line: 2, id: 'k1', title: 'H', body: 'the body', label: '5' });
  });

  it('does not reuse an explicitly mapped column for another role', async () => {
    const [record] = oks(await rowsOf('title,summary\nthe text,the summary\n', { fileName: 'a.csv', columns: { text: 'title' } }));
    assert.deepEqual(record, { line: 2, id: null, title: 'the summary', body: 'the text', label: null });
  });

  it('leaves id null (for the caller to derive) when there is no id column or it is blank', async () => {
    const records = oks(await rowsOf('id,text\n,a\n  ,b\n7,c\n', { fileName: 'a.csv' }));
    assert.deepEqual(
      records.map((r) => r.id),
      [null, null, '7'],
    );
  });

  it('reports a header without a text column, listing its columns', async () => {
    const error = await fileErrorOf('name,stars\nx,5\n', { fileName: 'up/a.csv' });
    assert.equal(error.code, 'missing_text_column');
    assert.equal(error.fileName, 'up/a.csv');
    assert.deepEqual(error.columns, ['name', 'stars']);
    assert.match(error.message, /up\/a\.csv.*"name", "stars".*columns\.text/);
  });

  it('reports a mapped text column that is not in the header', async () => {
    const error = await fileErrorOf('text,b\nx,y\n', { fileName: 'a.csv', columns: { text: 'comment' } });
    assert.equal(error.code, 'missing_text_column');
    assert.match(error.message, /"comment"/);
  });

  it('reports other mapped columns that are not in the header', async () => {
    const error = await fileErrorOf('text,b\nx,y\n', { fileName: 'a.csv', columns: { label: 'stars' } });
    assert.equal(error.code, 'missing_column');
    assert.match(error.message, /label → "stars"/);
  });

  it('hints at amazon-polarity when a forced csv looks like polarity data', async () => {
    const error = await fileErrorOf('"2","Great","Loved it"\n', { fileName: 'a.csv', format: 'csv' });
    assert.equal(error.code, 'missing_text_column');
    assert.match(error.message, /amazon-polarity/);
  });

  it('throws no_data_rows for a header-only file, after the stream ends', async () => {
    for (const file of ['text,label\n', 'text,label', 'text,label\r\n\r\n  \n']) {
      const { rows, error } = await readAll(file, { fileName: 'a.csv' });
      assert.equal(rows.length, 0);
      assert.equal(error?.code, 'no_data_rows', JSON.stringify(file));
      assert.match(error!.message, /a\.csv has a header line but no data rows/);
    }
  });

  it('does not throw no_data_rows when every data row was rejected', async () => {
    const { rows, error } = await readAll('text,label\n,x\n', { fileName: 'a.csv' });
    assert.equal(error, null);
    assert.deepEqual(summary(rows), ['2-2:empty_text']);
  });

  it('throws invalid_header when the header line cannot be parsed', async () => {
    assert.equal((await fileErrorOf('te"xt,label\na,b\n', { fileName: 'a.csv' })).code, 'invalid_header');
    assert.equal((await fileErrorOf(Buffer.from([0x74, 0xff, 0x0a, 0x61, 0x0a]), { fileName: 'a.csv' })).code, 'invalid_header');
  });

  it('rejects rows whose field count differs from the header, in both directions', async () => {
    const rows = await rowsOf('text,label\na,b,c\nd\n"e,f",g\n', { fileName: 'a.csv' });
    assert.deepEqual(summary(rows), ['2-2:wrong_column_count', '3-3:wrong_column_count', '4:e,f']);
    assert.match(rejects(rows)[0]!.detail, /expected 2 comma-separated fields as in the header, found 3/);
  });

  it('rejects rows whose text is empty or whitespace, quoted or not', async () => {
    const rows = await rowsOf('text,label\n,a\n"  ",b\n"\n",c\nok,d\n', { fileName: 'a.csv' });
    assert.deepEqual(summary(rows), ['2-2:empty_text', '3-3:empty_text', '4-5:empty_text', '6:ok']);
  });

  it('skips blank lines without counting them as rows but keeps physical line numbers', async () => {
    const rows = await rowsOf('text\n\n\r\na\n   \nb\n\n', { fileName: 'a.csv' });
    assert.deepEqual(summary(rows), ['4:a', '6:b']);
  });

  describe('malformed quoting', () => {
    const file = [
      'id,text,label',
      '1,ok before,x',
      '2,quote "inside" unquoted,x', // kind 1: a quote inside an unquoted field
      '3,"closed"then junk,x', // kind 2: a character after the closing quote
      '4,fine,x',
      '5,"never closed,x', // kind 3: unterminated quote, only "closed" by the quote on line 8
      '6,after,x',
      '7,"multi',
      'line",x',
      '8,last,x',
    ].join('\n');

    it('rejects each bad record with the right line and keeps parsing the rows after it', async () => {
      const rows = await rowsOf(file, { fileName: 'a.csv' });
      assert.deepEqual(summary(rows), [
        '2:ok before',
        '3-3:malformed_quoting',
        '4-4:malformed_quoting',
        '5:fine',
        '6-6:malformed_quoting',
        '7:after',
        '8:multi\nline',
        '10:last',
      ]);
      const bad = rejects(rows);
      assert.match(bad[0]!.detail, /double quote \("\) inside an unquoted field/);
      assert.match(bad[1]!.detail, /after the closing quote/);
      assert.match(bad[2]!.detail, /spans several lines, so only line 6 is rejected and parsing resumes at line 7/);
      assert.equal(bad[2]!.preview, '5,"never closed,x');
    });

    it('rejects a quote left open at end of file on its first line only and parses every row after it', async () => {
      const rows = await rowsOf('text,n\nok,1\n"never closed,2\nafter,3\nlast,4', { fileName: 'a.csv' });
      assert.deepEqual(summary(rows), ['2:ok', '3-3:malformed_quoting', '4:after', '5:last']);
      assert.match(rejects(rows)[0]!.detail, /opened on line 3 is never closed \(end of file reached\).*resumes at line 4/);
    });

    it('limits an unterminated quote that is "closed" by a later line to its first line', async () => {
      const rows = await rowsOf('text,n\n"oops,1\n"next",2\nthird,3\n', { fileName: 'a.csv' });
      assert.deepEqual(summary(rows), ['2-2:malformed_quoting', '3:next', '4:third']);
    });

    it('rejects an unterminated quote that would swallow more than maxRecordBytes and resumes after its first line', async () => {
      const tail = Array.from({ length: 200 }, (_, i) => `row ${i},${i}`).join('\n');
      const rows = await rowsOf(`text,n\n"runaway,0\n${tail}\n`, { fileName: 'a.csv', maxRecordBytes: 256 });
      assert.deepEqual(summary(rows).slice(0, 3), ['2-2:record_too_large', '3:row 0', '4:row 1']);
      assert.equal(rows.length, 201);
      assert.equal(oks(rows).at(-1)!.line, 202);
    });
  });

  it('round-trips randomly generated well-formed CSV', async () => {
    let seed = 42;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const pieces = ['a', 'b c', ',', '"', '\n', '\r\n', 'é', '日本', '😀', ' ', "'", ';'];
    const field = () => Array.from({ length: 1 + next(6) }, () => pieces[next(pieces.length)]).join('');
    const quote = (value: string) => (/[",\r\n]/.test(value) || next(4) === 0 ? `"${value.replace(/"/g, '""')}"` : value);
    const expected: Array<[string, string, string]> = [];
    let file = 'id,title,text\r\n';
    for (let i = 0; i < 300; i++) {
      const row: [string, string, string] = [`id${i}`, field(), `x${field()}`];
      expected.push(row);
      file += `${row.map(quote).join(',')}${next(2) === 0 ? '\r\n' : '\n'}`;
    }
    const records = oks(await rowsOf(file, { fileName: 'a.csv' }, 5));
    assert.equal(records.length, 300);
    records.forEach((record, i) => {
      const [id, title, text] = expected[i]!;
      const crlf = (s: string) => s.replace(/\r\n/g, '\n');
      assert.deepEqual([record.id, record.title, record.body], [id, crlf(title), crlf(text)], `row ${i}`);
    });
  });
});

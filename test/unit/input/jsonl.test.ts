import { strict as assert } from 'node:assert';
import { oks, rejects, rowsOf, summary } from './helpers';

describe('input/readRecords jsonl', () => {
  it('reads objects with default aliases, BOM and CRLF, skipping blank lines', async () => {
    const file =
      '\ufeff{"id":"a1","title":"T","text":"hello","label":"pos"}\r\n' +
      '\r\n' +
      '{"review":"body via alias","summary":"S","sentiment":1,"id":42}\r\n' +
      '   \n' +
      '{"Message":"case-insensitive key","Polarity":true}\n';
    assert.deepEqual(oks(await rowsOf(file, { fileName: 'a.jsonl' })), [
      { line: 1, id: 'a1', title: 'T', body: 'hello', label: 'pos' },
      { line: 3, id: '42', title: 'S', body: 'body via alias', label: '1' },
      { line: 5, id: null, title: '', body: 'case-insensitive key', label: 'true' },
    ]);
  });

  it('accepts .ndjson and uses an explicit key mapping', async () => {
    const rows = await rowsOf('{"k":"x1","h":"Head","t":"the text","y":"lbl","text":"not this"}\n', {
      fileName: 'a.ndjson',
      columns: { id: 'k', title: 'h', text: 't', label: 'y' },
    });
    assert.deepEqual(oks(rows), [{ line: 1, id: 'x1', title: 'Head', body: 'the text', label: 'lbl' }]);
  });

  it('rejects invalid JSON, non-objects, missing or non-string text, and empty text', async () => {
    const file = [
      '{"text":"ok"}',
      '{"text": "unterminated}',
      '[{"text":"array"}]',
      '"just a string"',
      'null',
      '{"title":"no text"}',
      '{"text":12}',
      '{"text":null}',
      '{"text":"  "}',
      '{"text":"ok","title":{"nested":1}}',
      '{"text":"ok","label":[1]}',
      '{"text":"last"}',
    ].join('\n');
    const rows = await rowsOf(file, { fileName: 'a.jsonl' });
    assert.deepEqual(summary(rows), [
      '1:ok',
      '2-2:invalid_json',
      '3-3:not_an_object',
      '4-4:not_an_object',
      '5-5:not_an_object',
      '6-6:missing_text',
      '7-7:invalid_field_type',
      '8-8:invalid_field_type',
      '9-9:empty_text',
      '10-10:invalid_field_type',
      '11-11:invalid_field_type',
      '12:last',
    ]);
    const bad = rejects(rows);
    assert.match(bad[0]!.detail, /^not valid JSON: /);
    assert.match(bad[1]!.detail, /found an array/);
    assert.match(bad[4]!.detail, /looked for text\/body\/.*keys: title/);
    assert.match(bad[5]!.detail, /"text" must be a string, found a number/);
    assert.match(bad[8]!.detail, /title field "title" must be a string or number, found an object/);
  });

  it('names the mapped key when a mapped text key is missing', async () => {
    const [bad] = rejects(await rowsOf('{"text":"x"}\n', { fileName: 'a.jsonl', columns: { text: 'body_md' } }));
    assert.equal(bad!.reason, 'missing_text');
    assert.match(bad!.detail, /looked for body_md/);
  });

  it('resolves keys per line when lines have different key sets', async () => {
    const rows = await rowsOf('{"body":"b1"}\n{"text":"t2","body":"b2"}\n{"content":"c3"}\n', { fileName: 'a.jsonl' });
    assert.deepEqual(
      oks(rows).map((r) => r.body),
      ['b1', 't2', 'c3'],
    );
  });
});

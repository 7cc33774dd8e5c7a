import { strict as assert } from 'node:assert';
import { oks, rowsOf, summary } from './helpers';

describe('input/readRecords text', () => {
  it('makes each non-blank line a document with empty title and null id/label', async () => {
    const rows = await rowsOf('\ufefffirst line\r\n\r\n  second, with "quotes"  \n\t\nthird', { fileName: 'notes.txt' });
    assert.deepEqual(oks(rows), [
      { line: 1, id: null, title: '', body: 'first line', label: null },
      { line: 3, id: null, title: '', body: '  second, with "quotes"  ', label: null },
      { line: 5, id: null, title: '', body: 'third', label: null },
    ]);
  });

  it('rejects a line of only non-ASCII whitespace as empty_text rather than dropping it', async () => {
    const rows = await rowsOf('a\n\u3000\u00a0\nb\n', { fileName: 'notes.txt' });
    assert.deepEqual(summary(rows), ['1:a', '2-2:empty_text', '3:b']);
  });

  it('keeps a BOM that is not at the start of the file as text', async () => {
    const rows = await rowsOf('a\n\ufeffb\n', { fileName: 'notes.txt' });
    assert.deepEqual(
      oks(rows).map((r) => r.body),
      ['a', '\ufeffb'],
    );
  });
});

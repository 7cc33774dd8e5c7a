import { strict as assert } from 'node:assert';
import { splitCsvFields } from '../../../src/input/csv-fields';

describe('input/splitCsvFields', () => {
  it('splits unquoted fields, keeping empty and whitespace fields as they are', () => {
    assert.deepEqual(splitCsvFields('a, b ,,'), ['a', ' b ', '', '']);
    assert.deepEqual(splitCsvFields(''), ['']);
  });

  it('unquotes quoted fields, undoubles "" and keeps commas and newlines inside them', () => {
    assert.deepEqual(splitCsvFields('"a,b","say ""hi""",x,"line1\nline2"'), ['a,b', 'say "hi"', 'x', 'line1\nline2']);
  });

  it('handles empty quoted fields, a quoted last field and a trailing comma after quotes', () => {
    assert.deepEqual(splitCsvFields('"",x'), ['', 'x']);
    assert.deepEqual(splitCsvFields('x,""'), ['x', '']);
    assert.deepEqual(splitCsvFields('"""",y'), ['"', 'y']);
    assert.deepEqual(splitCsvFields('"a",'), ['a', '']);
  });

  it('normalises CRLF inside quoted fields to LF but leaves bare CRs', () => {
    assert.deepEqual(splitCsvFields('"a\r\nb\rc",d'), ['a\nb\rc', 'd']);
  });
});

import { strict as assert } from 'node:assert';
import { oks, rejects, rowsOf, summary } from './helpers';

describe('input/readRecords amazon-polarity', () => {
  it('detects the header-less layout and maps 1 → negative, 2 → positive', async () => {
    const file = '\ufeff"2","Great CD","My lovely Pat, ""wow"""\r\n"1","Bad","Broke\r\nafter a day"\r\n';
    assert.deepEqual(oks(await rowsOf(file, { fileName: 'train.csv' })), [
      { line: 1, id: null, title: 'Great CD', body: 'My lovely Pat, "wow"', label: 'positive' },
      { line: 2, id: null, title: 'Bad', body: 'Broke\nafter a day', label: 'negative' },
    ]);
  });

  it('rejects labels other than 1 and 2', async () => {
    const rows = await rowsOf('"2","a","b"\n"3","c","d"\n"","e","f"\n"pos","g","h"\n" 1 ","i","j"\n', { fileName: 'train.csv' });
    assert.deepEqual(summary(rows), ['1:b', '2-2:invalid_label', '3-3:invalid_label', '4-4:invalid_label', '5:j']);
    assert.match(rejects(rows)[0]!.detail, /label "3" is not 1 \(negative\) or 2 \(positive\)/);
  });

  it('rejects records without exactly three fields and records with empty text', async () => {
    const rows = await rowsOf('"2","a","b"\n"1","only two"\n"2","a","b","c"\n"1","title",""\n"2","title","  "\n', {
      fileName: 'train.csv',
    });
    assert.deepEqual(summary(rows), ['1:b', '2-2:wrong_column_count', '3-3:wrong_column_count', '4-4:empty_text', '5-5:empty_text']);
  });

  it('ignores column mappings and can be forced on any extension', async () => {
    const rows = await rowsOf('1,t,x\n', { fileName: 'dump.txt', format: 'amazon-polarity', columns: { text: 'nope' } });
    assert.deepEqual(oks(rows), [{ line: 1, id: null, title: 't', body: 'x', label: 'negative' }]);
  });

  it('treats the first polarity-shaped line as data, not as a header', async () => {
    const rows = await rowsOf('2,first,one\n1,second,two\n', { fileName: 'a.csv' });
    assert.deepEqual(summary(rows), ['1:one', '2:two']);
  });
});

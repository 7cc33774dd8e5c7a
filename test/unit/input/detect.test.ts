import { strict as assert } from 'node:assert';
import { detectFormat, InputFileError } from '../../../src/input';

const b = (text: string) => Buffer.from(text, 'utf8');

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputFileError) return error.code;
    throw error;
  }
  throw new Error('expected an InputFileError');
}

describe('input/detectFormat', () => {
  it('maps extensions case-insensitively, also for paths and object keys', () => {
    assert.equal(detectFormat('reviews.csv', b('text\nhello\n')), 'csv');
    assert.equal(detectFormat('uploads/x/REVIEWS.CSV', b('text\nhello\n')), 'csv');
    assert.equal(detectFormat('a.jsonl', b('{"text":"x"}\n')), 'jsonl');
    assert.equal(detectFormat('a.NDJSON', b('{"text":"x"}\n')), 'jsonl');
    assert.equal(detectFormat('C:\\data\\notes.txt', b('hello\n')), 'text');
  });

  it('recognises Amazon Review Polarity CSV: no header, 3 fields, first one 1 or 2', () => {
    assert.equal(detectFormat('train.csv', b('"2","Great CD","My lovely Pat has one of the GREAT voices"\n')), 'amazon-polarity');
    assert.equal(detectFormat('train.csv', b('1,Bad,"broke, quickly"\r\n')), 'amazon-polarity');
    assert.equal(detectFormat('train.csv', b('\ufeff\n\n"1","t","x\ny"\n')), 'amazon-polarity');
  });

  it('keeps headered CSV as csv, including lookalikes of the polarity layout', () => {
    assert.equal(detectFormat('a.csv', b('label,title,text\n2,x,y\n')), 'csv');
    assert.equal(detectFormat('a.csv', b('"2","x"\n')), 'csv'); // 2 fields
    assert.equal(detectFormat('a.csv', b('2,x,y,z\n')), 'csv'); // 4 fields
    assert.equal(detectFormat('a.csv', b('3,x,y\n')), 'csv'); // not a class number
  });

  it('judges a first record longer than the head by its leading field', () => {
    const head = b(`"1","title","${'x'.repeat(70_000)}`).subarray(0, 64 * 1024);
    assert.equal(detectFormat('a.csv', head), 'amazon-polarity');
  });

  it('lets an explicit format win over extension and content', () => {
    assert.equal(detectFormat('a.csv', b('"2","x","y"\n'), 'csv'), 'csv');
    assert.equal(detectFormat('a.txt', b('"2","x","y"\n'), 'amazon-polarity'), 'amazon-polarity');
    assert.equal(detectFormat('data.dat', b('{"text":"x"}\n'), 'jsonl'), 'jsonl');
    assert.equal(detectFormat('noext', b('hi\n'), 'text'), 'text');
  });

  it('rejects unknown or missing extensions without an override, naming the supported ones', () => {
    for (const name of ['data.tab', 'data', 'reviews.json', 'reviews.csv.zip', 'reviews.json.gz']) {
      try {
        detectFormat(name, b('{"text":"clearly json lines"}\n'));
        assert.fail('expected unknown_format');
      } catch (error) {
        assert.ok(error instanceof InputFileError);
        assert.equal(error.code, 'unknown_format');
        assert.equal(error.fileName, name);
        assert.match(error.message, /\.csv, \.tsv, \.jsonl, \.ndjson, \.txt \(gzip-compressed too, with \.gz after the extension\)/);
        assert.match(error.message, new RegExp(name.replace(/\./g, '\\.')));
      }
    }
    assert.equal(
      errorCode(() => detectFormat('a.csv', b('x'), 'xml' as never)),
      'unknown_format',
    );
  });

  it('reports empty files: no bytes, only a BOM, only whitespace', () => {
    for (const head of [b(''), b('\ufeff'), b(' \r\n\t\n')]) {
      assert.equal(
        errorCode(() => detectFormat('a.csv', head)),
        'empty_file',
      );
    }
  });

  it('reports binary files: NUL bytes, mostly invalid UTF-8, UTF-16', () => {
    assert.equal(
      errorCode(() => detectFormat('a.csv', Buffer.from([0x74, 0x65, 0x00, 0x78]))),
      'binary_file',
    );
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = 0x80 + ((i * 37) % 120);
    assert.equal(
      errorCode(() => detectFormat('a.txt', noise)),
      'binary_file',
    );
    assert.equal(
      errorCode(() => detectFormat('a.txt', Buffer.from('\ufeffhi', 'utf16le'))),
      'binary_file',
    );
  });

  it('still accepts text with a few non-UTF-8 bytes (rows get rejected individually instead)', () => {
    const latin1 = Buffer.from('text\ncafé au lait\nplain\n', 'latin1');
    assert.equal(detectFormat('a.csv', latin1), 'csv');
  });
});

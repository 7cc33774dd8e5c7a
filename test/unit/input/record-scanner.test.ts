import { strict as assert } from 'node:assert';
import { RecordScanner, type ScannedRow } from '../../../src/input/record-scanner';

interface Out {
  kind: string;
  line: number;
  endLine: number;
  text: string;
}

/** Scans `input` fed in `size`-byte chunks copied into a reused buffer (like a pooled stream). */
function scan(input: string | Buffer, options: { cap?: number; quotes?: boolean; size?: number } = {}): Out[] {
  const scanner = new RecordScanner({ maxRecordBytes: options.cap ?? 1024, quotes: options.quotes ?? true });
  const data = typeof input === 'string' ? Buffer.from(input) : input;
  const size = options.size ?? data.length;
  const out: Out[] = [];
  const take = (row: ScannedRow) =>
    out.push(
      row.kind === 'record'
        ? { kind: 'record', line: row.line, endLine: row.endLine, text: row.bytes.toString('utf8') }
        : { kind: row.rejected.reason, line: row.rejected.line, endLine: row.rejected.endLine, text: row.rejected.detail },
    );
  const scratch = Buffer.alloc(Math.max(size, 1));
  for (let i = 0; i < data.length; i += size) {
    const n = data.copy(scratch, 0, i, Math.min(i + size, data.length));
    for (const row of scanner.push(scratch.subarray(0, n))) take(row);
    scratch.fill(0x21);
  }
  for (const row of scanner.end()) take(row);
  return out;
}

const brief = (rows: Out[]) => rows.map((r) => `${r.line}-${r.endLine} ${r.kind} ${r.kind === 'record' ? r.text : ''}`.trim());

describe('input/RecordScanner', () => {
  it('splits lines, strips LF and CRLF terminators, and handles a missing final newline', () => {
    assert.deepEqual(brief(scan('a\r\nb\nc', { quotes: false })), ['1-1 record a', '2-2 record b', '3-3 record c']);
  });

  it('does not turn blank or whitespace-only lines into records but still counts them as lines', () => {
    assert.deepEqual(brief(scan('\n \t\r\na\n\r\n\nb\n\n', { quotes: false })), ['3-3 record a', '6-6 record b']);
  });

  it('keeps newlines inside quoted fields in one record and reports its first and last lines', () => {
    assert.deepEqual(brief(scan('h\n"x\ny\r\nz",1\nnext\n')), ['1-1 record h', '2-4 record "x\ny\r\nz",1', '5-5 record next']);
  });

  it('treats doubled quotes as data and keeps the record open across them', () => {
    assert.deepEqual(brief(scan('"a ""q""\nb",c\nd\n')), ['1-2 record "a ""q""\nb",c', '3-3 record d']);
  });

  it('accepts a quoted field closed right before CRLF or end of file', () => {
    assert.deepEqual(brief(scan('"a"\r\n"b"')), ['1-1 record "a"', '2-2 record "b"']);
  });

  it('ignores quotes entirely in line mode', () => {
    assert.deepEqual(brief(scan('{"a":"\nb', { quotes: false })), ['1-1 record {"a":"', '2-2 record b']);
  });

  describe('malformed quoting', () => {
    it('rejects a quote inside an unquoted field and resumes on the next line', () => {
      assert.deepEqual(brief(scan('a,b"c,d\ne,f\n')), ['1-1 malformed_quoting', '2-2 record e,f']);
    });

    it('rejects a character after a closing quote and resumes on the next line', () => {
      assert.deepEqual(brief(scan('a,"b"c,d\ne,f\n')), ['1-1 malformed_quoting', '2-2 record e,f']);
    });

    it('rejects a CR after a closing quote that is not followed by LF', () => {
      assert.deepEqual(brief(scan('"b"\rc\ne\n')), ['1-1 malformed_quoting', '2-2 record e']);
    });

    it('rejects only the first line of an unterminated quote at end of file and parses the lines after it', () => {
      const rows = scan('ok,1\nbad,"open\nx,2\ny,3\n');
      assert.deepEqual(brief(rows), ['1-1 record ok,1', '2-2 malformed_quoting', '3-3 record x,2', '4-4 record y,3']);
      assert.match(rows[1]!.text, /opened on line 2 is never closed.*resumes at line 3/);
    });

    it('when a stray quote is closed by a later line, rejects only the first line and re-reads the next', () => {
      // The quote opened on line 2 is "closed" by the first quote on line 3, followed by junk.
      const rows = scan('a,"stray\nb,"fine",c\nd,e\n');
      assert.deepEqual(brief(rows), ['1-1 malformed_quoting', '2-2 record b,"fine",c', '3-3 record d,e']);
    });

    it('rejects an unterminated quote on the last line without a trailing newline', () => {
      assert.deepEqual(brief(scan('a\nb,"c')), ['1-1 record a', '2-2 malformed_quoting']);
    });
  });

  describe('size cap', () => {
    it('accepts a record of exactly the cap, with or without CRLF, and rejects one byte more', () => {
      const cap = 8;
      assert.deepEqual(brief(scan('12345678\r\n12345678\n123456789\nok\n', { cap, quotes: false })), [
        '1-1 record 12345678',
        '2-2 record 12345678',
        '3-3 record_too_large',
        '4-4 record ok',
      ]);
    });

    it('reports the byte size of an over-long line and skips exactly to its end', () => {
      const rows = scan(`${'x'.repeat(5000)}\r\nafter\n`, { cap: 100, quotes: false, size: 64 });
      assert.deepEqual(brief(rows), ['1-1 record_too_large', '2-2 record after']);
      assert.match(rows[0]!.text, /line 1 is 5000 bytes, over the limit of 100 bytes/);
    });

    it('treats a quoted field running past the cap as unterminated: rejects its first line and resumes after it', () => {
      const lines = Array.from({ length: 40 }, (_, i) => `r${i},plain`);
      const rows = scan(`h\nbad,"never closed\n${lines.join('\n')}\n`, { cap: 64, size: 13 });
      assert.deepEqual(brief(rows).slice(0, 3), ['1-1 record h', '2-2 record_too_large', '3-3 record r0,plain']);
      assert.equal(rows.length, 42);
      assert.match(rows[1]!.text, /spans several lines.*resumes at line 3/);
    });

    it('never buffers more than the cap (+1 for a CR), however the input is chunked', () => {
      const cap = 1000;
      for (const size of [1, 7, 4096, 1 << 20]) {
        const scanner = new RecordScanner({ maxRecordBytes: cap, quotes: true });
        const data = Buffer.from(`${'y'.repeat(300_000)}\n"${'z\n'.repeat(10_000)}\nend\n`);
        for (let i = 0; i < data.length; i += size) for (const row of scanner.push(data.subarray(i, i + size))) void row;
        for (const row of scanner.end()) void row;
        assert.ok(scanner.peakBufferedBytes <= cap + 1, `chunk ${size}: peak ${scanner.peakBufferedBytes}`);
      }
    });
  });

  it('gives identical output for every chunk size on a file full of edge cases', () => {
    const tricky = [
      'h1,h2',
      '"multi',
      'line ""quoted""",x',
      'bad"quote,y',
      '"closed"junk,z',
      '',
      '   ',
      `${'L'.repeat(70)}`,
      '"α→β 😀",ü',
      '"unterminated,q',
      'a,b',
      '"x"\r',
      'tail',
    ].join('\r\n');
    const reference = JSON.stringify(scan(tricky, { cap: 48 }));
    for (const size of [1, 2, 3, 5, 7, 11, 64]) {
      assert.equal(JSON.stringify(scan(tricky, { cap: 48, size })), reference, `chunk size ${size}`);
    }
  });

  it('is chunking-independent and accounts for every non-blank line on random input', () => {
    let seed = 2024;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const pieces = ['a', 'b', ',', '"', '""', '\n', '\r\n', '\r', ' ', 'é', '😀'];
    for (let iteration = 0; iteration < 1500; iteration++) {
      const input = Array.from({ length: 1 + next(80) }, () => pieces[next(pieces.length)]).join('');
      const options = { cap: 1 + next(40), quotes: next(5) !== 0 };
      const whole = scan(input, options);
      for (const size of [1, 3, 7]) {
        assert.deepEqual(scan(input, { ...options, size }), whole, `${JSON.stringify(input)} ${JSON.stringify(options)} size ${size}`);
      }
      const owner = new Map<number, number>();
      whole.forEach((row, i) => {
        for (let line = row.line; line <= row.endLine; line++) {
          assert.ok(!owner.has(line), `line ${line} in two rows: ${JSON.stringify(input)}`);
          owner.set(line, i);
        }
      });
      input.split('\n').forEach((text, i) => {
        if (!/^[ \t\r]*$/.test(text)) assert.ok(owner.has(i + 1), `line ${i + 1} lost: ${JSON.stringify(input)}`);
      });
    }
  });

  it('rejects a non-positive cap', () => {
    assert.throws(() => new RecordScanner({ maxRecordBytes: 0, quotes: true }), RangeError);
  });
});

import { strict as assert } from 'node:assert';
import { readRecords, type ParsedRow } from '../../../src/input';
import { rejects, rowsOf, summary } from './helpers';

const MiB = 1024 * 1024;

/**
 * Streams `prefix`, then `size` filler bytes, then `suffix`, in 64 KiB chunks written into one
 * reused buffer: the source allocates nothing, so any growth of Buffer memory while reading is
 * the parser's. Samples that memory at every chunk and keeps the peak.
 */
function hugeLineSource(prefix: string, size: number, suffix: string, filler = 0x78) {
  const probe = { peak: 0, baseline: 0 };
  const chunk = Buffer.alloc(64 * 1024);
  const measure = () => {
    const { arrayBuffers, heapUsed } = process.memoryUsage();
    probe.peak = Math.max(probe.peak, arrayBuffers + heapUsed);
  };
  async function* source(): AsyncGenerator<Uint8Array> {
    const { arrayBuffers, heapUsed } = process.memoryUsage();
    probe.baseline = arrayBuffers + heapUsed;
    yield Buffer.from(prefix);
    for (let left = size; left > 0; left -= chunk.length) {
      chunk.fill(filler);
      measure();
      yield chunk.subarray(0, Math.min(chunk.length, left));
    }
    measure();
    yield Buffer.from(suffix);
  }
  return { source, probe };
}

async function collect(source: AsyncIterable<Uint8Array>, fileName: string): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const row of readRecords(source, { fileName })) rows.push(row);
  return rows;
}

describe('input/readRecords oversized records', function () {
  this.timeout(20_000);

  const cases: Array<[string, string, string, string[]]> = [
    ['a.txt', 'before\n', '\nafter\n', ['1:before', '2-2:record_too_large', '3:after']],
    ['a.jsonl', '{"text":"before"}\n{"text":"', '"}\n{"text":"after"}\n', ['1:before', '2-2:record_too_large', '3:after']],
    ['a.csv', 'text\nbefore\n"', '"\r\nafter\n', ['2:before', '3-3:record_too_large', '4:after']],
  ];
  for (const [fileName, prefix, suffix, expected] of cases) {
    it(`skips a 10 MB line in ${fileName} in bounded memory and reports its size`, async () => {
      const size = 10 * MiB;
      const { source, probe } = hugeLineSource(prefix, size, suffix);
      const rows = await collect(source(), fileName);
      assert.deepEqual(summary(rows), expected);
      const lineBytes = size + prefix.length - prefix.lastIndexOf('\n') - 1 + suffix.indexOf('\n') - (suffix.startsWith('"\r') ? 1 : 0);
      const [tooLarge] = rejects(rows);
      assert.match(tooLarge!.detail, new RegExp(`is ${lineBytes} bytes, over the limit of ${MiB} bytes`));
      assert.ok(tooLarge!.preview.length <= 200);
      const growth = probe.peak - probe.baseline;
      assert.ok(growth < 5 * MiB, `memory grew by ${(growth / MiB).toFixed(1)} MiB while reading a 10 MiB line`);
    });
  }

  it('accepts a 900 KiB record under the default 1 MiB cap', async () => {
    const body = 'y'.repeat(900 * 1024);
    const rows = await rowsOf(`text\n"${body}"\n`, { fileName: 'a.csv' });
    assert.equal(rows.length, 1);
    assert.ok(rows[0]!.ok && rows[0]!.record.body === body);
  });

  it('documents the cost of a legitimate multi-line field over the cap: only its first line is rejected', async () => {
    const inner = Array.from({ length: 30 }, (_, i) => `inner line ${i}`).join('\n');
    const rows = await rowsOf(`text,n\n"${inner}\nend",1\nnext,2\n`, { fileName: 'a.csv', maxRecordBytes: 100 });
    const lines = summary(rows);
    assert.equal(lines[0], '2-2:record_too_large');
    assert.ok(
      lines.slice(1, 30).every((l) => l.endsWith(':wrong_column_count')),
      lines.join(' '),
    );
    assert.deepEqual(lines.slice(30), ['32-32:malformed_quoting', '33:next']);
  });
});

import assert from 'node:assert/strict';
import { JsonlBuffer } from '../../../src/pipeline/jsonl';

describe('JsonlBuffer', () => {
  it('gives the UTF-8 of the lines, each ended by a newline, across many chunks and multi-byte text', () => {
    const buffer = new JsonlBuffer();
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      // About 200 KB in all: several 64K-character chunks, with 2-, 3- and 4-byte characters and escapes.
      const line = JSON.stringify({ i, text: `crème brûlée ${'€'.repeat(i % 7)} 😀 "q" \n ${'x'.repeat(i % 50)}` });
      lines.push(line);
      buffer.push(line);
    }
    const bytes = buffer.toBytes();
    assert.ok(bytes.length > 3 * 65536);
    assert.ok(bytes.equals(Buffer.from(lines.join('\n') + '\n')));
    assert.deepEqual(
      bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { i: number }).i),
      lines.map((_, i) => i),
    );
  });

  it('starts empty again after toBytes', () => {
    const buffer = new JsonlBuffer();
    buffer.push('{"a":1}');
    assert.equal(buffer.toBytes().toString(), '{"a":1}\n');
    assert.equal(buffer.toBytes().length, 0);
    buffer.push('{"b":2}');
    assert.equal(buffer.toBytes().toString(), '{"b":2}\n');
  });
});

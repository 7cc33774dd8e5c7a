import { strict as assert } from 'node:assert';
import { firstInvalidUtf8, isValidUtf8, scanUtf8 } from '../../../src/input/utf8';

const fatal = new TextDecoder('utf-8', { fatal: true });
function decodes(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('input/utf8', () => {
  it('agrees with a fatal TextDecoder on edge-case sequences', () => {
    const cases = [
      [0x41],
      [0xc3, 0xa9],
      [0xc0, 0xaf], // overlong
      [0xe0, 0x80, 0xaf], // overlong
      [0xed, 0xa0, 0x80], // surrogate
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xf0, 0x9f, 0x98, 0x80], // emoji
      [0xf0, 0x9f, 0x98], // truncated
      [0x80],
      [0xff],
      [0xe2, 0x82, 0xac, 0x41],
    ];
    for (const bytes of cases) {
      const buf = Uint8Array.from(bytes);
      assert.equal(firstInvalidUtf8(buf) === -1, decodes(buf), `bytes ${bytes.map((b) => b.toString(16)).join(' ')}`);
      assert.equal(isValidUtf8(buf), decodes(buf));
    }
  });

  it('agrees with a fatal TextDecoder on random byte strings', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const pool = [0x41, 0x80, 0xbf, 0xc2, 0xc3, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0x9f, 0xa0, 0x90, 0x8f];
    for (let i = 0; i < 5000; i++) {
      const buf = Uint8Array.from({ length: 1 + (next() % 6) }, () => pool[next() % pool.length]!);
      assert.equal(firstInvalidUtf8(buf) === -1, decodes(buf), Buffer.from(buf).toString('hex'));
    }
  });

  it('locates the first invalid byte and counts invalid bytes', () => {
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xff, 0x63])), 2);
    assert.equal(scanUtf8(Buffer.from([0xff, 0x61, 0xfe])).invalidBytes, 2);
  });

  it('can accept a sequence cut off by the end of a file head', () => {
    assert.equal(scanUtf8(Buffer.from([0x61, 0xf0, 0x9f]), true).invalidBytes, 0);
    assert.equal(scanUtf8(Buffer.from([0x61, 0xf0, 0x9f]), false).invalidBytes, 2);
  });
});

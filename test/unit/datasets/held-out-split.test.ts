import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDemoFiles } from '../../../src/client/demo-data';
import { heldOutSplit } from '../../../src/datasets/held-out-split';
import { loadSpamAssassin } from '../../../src/datasets/spam-assassin';
import { readRecords } from '../../../src/input';
import { cleanTokens } from '../../../src/text';

/**
 * An overlap check written apart from src/datasets/held-out-split.ts (string shingles, its own
 * index): pairs of (held-out, training) bodies whose normalised words are equal, or whose 4-word
 * shingle sets have a Jaccard similarity of 0.8 or more.
 */
function overlaps(heldOut: string[], training: string[]): { equal: number; near: number } {
  const words = (text: string) => cleanTokens(text).map((w) => (/\d/.test(w) ? '#' : w));
  const shingles = (ws: string[]) => {
    const out = new Set<string>();
    if (ws.length < 4) out.add(ws.join(' '));
    for (let i = 0; i + 4 <= ws.length; i++) out.add(ws.slice(i, i + 4).join('\u0001'));
    return out;
  };
  const held = heldOut.map(words);
  const heldKeys = new Set(held.map((w) => w.join(' ')));
  const heldShingles = held.map(shingles);
  const index = new Map<string, number[]>();
  heldShingles.forEach((set, i) => set.forEach((s) => index.set(s, [...(index.get(s) ?? []), i])));
  let equal = 0;
  const near = new Set<number>();
  for (const body of training) {
    const w = words(body);
    if (heldKeys.has(w.join(' '))) equal++;
    const mine = shingles(w);
    const shared = new Map<number, number>();
    for (const s of mine) for (const i of index.get(s) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
    for (const [i, n] of shared) if (n / (mine.size + heldShingles[i]!.size - n) >= 0.8) near.add(i);
  }
  return { equal, near: near.size };
}

async function bodiesOf(file: string): Promise<{ ids: string[]; bodies: string[] }> {
  const ids: string[] = [];
  const bodies: string[] = [];
  for await (const row of readRecords(createReadStream(file), { fileName: file })) {
    assert.ok(row.ok, `${file}: a demo row was rejected`);
    ids.push(row.record.id!);
    bodies.push(row.record.body);
  }
  return { ids, bodies };
}

describe('held-out split without shared content', () => {
  /** 120 pseudo-random letter words: documents of different seeds share no 4-word shingle. */
  const long = (seed: number) => {
    let x = seed;
    const word = () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return String.fromCharCode(...[0, 1, 2, 3].map((k) => 97 + (Math.floor(x / 26 ** k) % 26)));
    };
    return Array.from({ length: 120 }, word);
  };
  const swap = (words: string[], at: number) => words.map((w, i) => (i === at ? 'changed' : w));

  it('drops duplicates and keeps near-duplicates, and chains of them, on the training side', () => {
    const base = long(1);
    const v1 = swap(base, 30); // one word off the base: Jaccard 0.93
    const v2 = swap(v1, 90); // two words off the base (0.87), one off v1 (0.93)
    const items = [
      'Buy CHEAP meds now!!! Order #123 today.',
      'buy cheap meds, now. order #98765 today', // differs in case, punctuation and numbers only
      long(2).join(' '),
      base.join(' '),
      v1.join(' '),
      long(3).join(' '),
      v2.join(' '),
      long(4).join(' '),
      'something else entirely for the held out side',
    ];
    // Unique documents 1, 3, 5, 7 are the held-out candidates: long(2), v1, v2, "something else".
    const split = heldOutSplit(items, (t) => t, { every: 2, nearDuplicateJaccard: 0.9 });
    assert.equal(split.duplicates, 1);
    assert.deepEqual(split.heldOut, [items[2], items[8]]);
    assert.equal(split.nearDuplicatesMoved, 2, 'v1 is close to the base, and v2 only to v1');
    assert.deepEqual(split.train, [items[0], items[3], items[4], items[5], items[6], items[7]]);
    assert.deepEqual(overlaps(split.heldOut, split.train), { equal: 0, near: 0 });
  });

  it("leaves the demo's incoming batch nothing in common with its training file", async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-batch-demo-'));
    try {
      const files = await writeDemoFiles(dir);
      const training = await bodiesOf(files.training);
      const incoming = await bodiesOf(files.incoming[0]!);
      assert.equal(incoming.bodies.length, files.split.incoming);
      assert.ok(incoming.bodies.length > 1000, `only ${incoming.bodies.length} held-out messages`);
      assert.ok(files.split.duplicates > 100 && files.split.nearDuplicatesMoved > 50, JSON.stringify(files.split));
      assert.equal(new Set([...training.ids, ...incoming.ids]).size, training.ids.length + incoming.ids.length);
      assert.deepEqual(overlaps(incoming.bodies, training.bodies), { equal: 0, near: 0 });

      // The check finds what the earlier split (every fourth message) let through.
      const messages = loadSpamAssassin().filter((m) => m.body.trim() !== '');
      const naive = overlaps(
        messages.filter((_, i) => i % 4 === 3).map((m) => m.body),
        messages.filter((_, i) => i % 4 !== 3).map((m) => m.body),
      );
      assert.ok(naive.equal > 100 && naive.near > 100, JSON.stringify(naive));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

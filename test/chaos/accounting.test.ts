import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { account, readExportedResults } from '../../bench/chaos/verify';

/** The chaos suite's row accounting: what it calls missing, duplicated and equal. */
describe('fault injection: row accounting over exported results', () => {
  let dir: string;
  const record = (id: string, label = 'positive', p = 0.75) =>
    JSON.stringify({ id, predictedLabel: label, probabilities: { positive: p, negative: 1 - p }, sentiment: { compound: 0.1 } });
  const file = (name: string, lines: string[]) => {
    const f = path.join(dir, name);
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'chaos-accounting-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('counts input ids without a record as missing, extra records per id as duplicated, foreign ids apart', async () => {
    const results = await readExportedResults([file('a.jsonl', [record('d0'), record('d1'), record('d1'), record('x9')])]);
    assert.deepEqual(
      { ...account(results, ['d0', 'd1', 'd2']), sha256: undefined },
      { rows: 4, missing: 1, duplicated: 1, unexpected: 1, sha256: undefined },
    );
  });

  it('hashes the same records equally whatever their order, files and probability key order', async () => {
    const one = await readExportedResults([file('b.jsonl', [record('d0'), record('d1', 'negative', 0.2)])]);
    const swapped = JSON.stringify({ probabilities: { negative: 0.8, positive: 0.2 }, predictedLabel: 'negative', id: 'd1' });
    const two = await readExportedResults([file('c1.jsonl', [swapped]), file('c2.jsonl', [record('d0')])]);
    assert.equal(one.sha256, two.sha256);
  });

  it('hashes differently when a label, a probability or a duplicate differs', async () => {
    const base = (await readExportedResults([file('d.jsonl', [record('d0'), record('d1')])])).sha256;
    const label = (await readExportedResults([file('e.jsonl', [record('d0'), record('d1', 'negative')])])).sha256;
    const probability = (await readExportedResults([file('f.jsonl', [record('d0'), record('d1', 'positive', 0.7500001)])])).sha256;
    const duplicate = (await readExportedResults([file('g.jsonl', [record('d0'), record('d1'), record('d1')])])).sha256;
    assert.equal(new Set([base, label, probability, duplicate]).size, 4);
  });
});

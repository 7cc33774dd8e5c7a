import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readProcessedRecord, readProcessedShard } from '../../../src/jobs/processed-record';
import { PermanentTaskError } from '../../../src/jobs/task-errors';
import { cleanStagedRecord } from '../../../src/pipeline/clean-records';
import { decodeProcessedLine, encodeProcessedLine } from '../../../src/pipeline/processed-line';
import type { ProcessedRecord } from '../../../src/pipeline/records';
import { repoRoot } from '../../../src/util/repo-root';
import { sampleMessages } from '../../helpers/corpus';

interface Vector {
  name: string;
  title: string;
  body: string;
  options: Record<string, unknown>;
  redactPii: boolean;
}

const vectors = (
  JSON.parse(readFileSync(path.join(repoRoot(), 'test/fixtures/processed-record-vectors.json'), 'utf8')) as { documents: Vector[] }
).documents;

function processed(title: string, body: string, options: Record<string, unknown> = {}, redactPii = false): ProcessedRecord {
  return cleanStagedRecord({ id: 'r1', source: { key: 'raw/x.jsonl', line: 3 }, title, body, label: 'pos' }, options, redactPii);
}

const roundTrip = (record: ProcessedRecord) => decodeProcessedLine(JSON.parse(encodeProcessedLine(record)));

describe('processed lines (data dictionary v2: token lists folded into strings)', () => {
  it(`gives back every field of the ${vectors.length} shared processed vectors (languages, stemming off, PII, unicode, empty)`, () => {
    for (const v of vectors) {
      const record = processed(v.title, v.body, v.options, v.redactPii);
      const line = JSON.parse(encodeProcessedLine(record)) as Record<string, unknown>;
      assert.equal(line.v, 2, v.name);
      assert.equal('tokens' in line || 'tokens_nostop' in line, false, `${v.name}: no token arrays in a v2 line`);
      assert.deepEqual(decodeProcessedLine(line), record, v.name);
    }
  });

  it('is less than 60 % of a v1 line on real mails', () => {
    let v1 = 0;
    let v2 = 0;
    for (const m of sampleMessages(200, 2000)) {
      const record = processed(m.subject, m.body);
      assert.deepEqual(roundTrip(record), record);
      v1 += JSON.stringify(record).length;
      v2 += encodeProcessedLine(record).length;
    }
    assert.ok(v2 < 0.6 * v1, `v2 ${v2} chars against v1 ${v1}`);
  });

  it('writes v1 for a record whose lists would not fold back (a token with a space, an empty token)', () => {
    const base = processed('', 'good value for money');
    const spaced: ProcessedRecord = {
      ...base,
      text_clean: 'good value for money',
      tokens: ['good value', 'for', 'money'],
      tokens_nostop: ['good value', 'money'],
      stems: ['good valu', 'money'],
    };
    const empty: ProcessedRecord = { ...base, text_clean: '', tokens: [''], tokens_nostop: [''], stems: [''] };
    const unmatched: ProcessedRecord = { ...base, tokens_nostop: ['money', 'good'], stems: ['money', 'good'] };
    for (const record of [spaced, empty, unmatched]) {
      const line = JSON.parse(encodeProcessedLine(record)) as Record<string, unknown>;
      assert.equal(line.v, undefined);
      assert.deepEqual(decodeProcessedLine(line), record);
    }
  });

  it('refuses a v2 line whose parts disagree, and readers say which record', () => {
    const good = JSON.parse(encodeProcessedLine(processed('', 'the box was damaged'))) as Record<string, unknown>;
    assert.equal(good.kept, '0101');
    const bad = [
      [{ ...good, kept: '001' }, /3 marks for 4 tokens/],
      [{ ...good, kept: '01x1' }, /only 0 and 1/],
      [{ ...good, stems: 'box' }, /1 stems for 2 kept tokens/],
      [{ ...good, stems: ['box', 'damag'] }, /as strings/],
    ] as const;
    for (const [value, reason] of bad) {
      assert.throws(() => decodeProcessedLine(value), reason);
      assert.throws(
        () => readProcessedRecord(value, 'processed/b/shard-00000.jsonl record 7'),
        (err: Error) =>
          err instanceof PermanentTaskError && /record 7: not a processed record/.test(err.message) && reason.test(err.message),
      );
      assert.throws(
        () => readProcessedShard(Buffer.from(JSON.stringify(good) + '\n' + JSON.stringify(value) + '\n'), 'p.jsonl'),
        (err: Error) =>
          err instanceof PermanentTaskError && /p\.jsonl record 2: not a processed record/.test(err.message) && reason.test(err.message),
      );
    }
  });

  it('reads a shard for the jobs and activities, a line that is no processed record failing for good by its number', () => {
    const good = encodeProcessedLine(processed('', 'the box was damaged'));
    assert.deepEqual(readProcessedShard(Buffer.from(`${good}\n`), 'p.jsonl'), [processed('', 'the box was damaged')]);
    for (const [line, reason] of [
      ['{"v":2,"id":', /p\.jsonl: line 2 is not valid JSON/],
      ['{"id":"x","text":"never cleaned"}', /p\.jsonl record 2: not a processed record/],
      [good.replace(/"kept":"0/, '"kept":"'), /p\.jsonl record 2: not a processed record \(kept has 3 marks for 4 tokens\)/],
    ] as const) {
      assert.throws(
        () => readProcessedShard(Buffer.from(`${good}\n${line}\n`), 'p.jsonl'),
        (err: Error) => err instanceof PermanentTaskError && reason.test(err.message),
      );
    }
  });

  it('reads v1 and v2 lines of one shard alike', () => {
    const a = processed('Great', 'works well and arrived early');
    const b = processed('', 'no me gustó nada', { language: 'es' });
    const shard = `${JSON.stringify(a)}\n${encodeProcessedLine(b)}\n`;
    assert.deepEqual(readProcessedShard(Buffer.from(shard), 'p.jsonl'), [a, b]);
    assert.deepEqual(readProcessedRecord(JSON.parse(encodeProcessedLine(a)), 'x'), a);
  });
});

import { loadSpamAssassin } from '../src/datasets/spam-assassin';
import { StatisticsAccumulator } from '../src/drift';
import { ResultPartConverter } from '../src/lake/jsonl-to-parquet';
import { cleanStagedRecords } from '../src/pipeline/clean-records';
import { parseJsonl, toJsonl } from '../src/pipeline/jsonl';
import type { ResultRecord, StagedRecord } from '../src/pipeline/records';
import { ProfileAccumulator, shouldTrace } from '../src/reports/profile';
import { composeText } from '../src/text';
import { traceCleaning } from '../src/text/cleaning-trace';
import { BenchArgs } from './bench-args';

/**
 * What this issue added to a batch's finalisation, against the work it rides along with, on the
 * same rows in the same run: the statistics pass without and with the report profile (which also
 * traces the cleaning of the staged text), next to cleaning itself; and the JSON Lines -> Parquet
 * conversion of the result parts, next to merely parsing those JSON Lines.
 *   node dist/bench/finalisation.bench.js [--docs 20000]
 */
function time<T>(f: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const out = f();
  return [out, Number(process.hrtime.bigint() - t0) / 1e9];
}

async function main(): Promise<void> {
  const n = new BenchArgs('node dist/bench/finalisation.bench.js [--docs 20000]', { docs: 'value' }).positiveInt('docs', 20_000);
  const mail = loadSpamAssassin();
  const staged: StagedRecord[] = Array.from({ length: n }, (_, i) => {
    const m = mail[i % mail.length];
    return { id: `d${i}`, source: { key: 'raw/bench.csv', line: i + 2 }, title: m.subject, body: m.body, label: m.label };
  });
  const [processed, cleanSeconds] = time(() => cleanStagedRecords(staged, {}));

  const [, statsSeconds] = time(() => {
    const acc = new StatisticsAccumulator();
    for (const r of processed)
      acc.addDocument({ label: r.label, textClean: r.text_clean, tokens: r.tokens, sentiment: r.sentiment.compound });
    return acc.toStatistics();
  });
  const [, withProfileSeconds] = time(() => {
    const acc = new StatisticsAccumulator();
    const profile = new ProfileAccumulator();
    processed.forEach((r, i) => {
      acc.addDocument({ label: r.label, textClean: r.text_clean, tokens: r.tokens, sentiment: r.sentiment.compound });
      profile.add({
        textClean: r.text_clean,
        tokens: r.tokens,
        tokensNoStop: r.tokens_nostop,
        stems: r.stems,
        rawChars: composeText(staged[i].title, staged[i].body).length,
        trace: shouldTrace(i) ? traceCleaning(composeText(staged[i].title, staged[i].body)) : undefined,
      });
    });
    return [acc.toStatistics(), profile.toProfile()];
  });

  const results: ResultRecord[] = processed.map((r, i) => ({
    id: r.id,
    source: r.source,
    label: r.label,
    predictedLabel: i % 3 === 0 ? 'spam' : 'ham',
    probabilities: { ham: 0.25 + (i % 50) / 100, spam: 0.75 - (i % 50) / 100 },
    sentiment: r.sentiment,
    modelVersion: 'v1',
  }));
  const jsonl = Buffer.from(toJsonl(results));
  const [, parseSeconds] = time(() => parseJsonl<ResultRecord>(jsonl, 'bench'));
  const converter = await ResultPartConverter.open();
  const t0 = process.hrtime.bigint();
  const { parquet, rows } = await converter.convert(jsonl);
  const parquetSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await converter.close();
  if (rows !== n) throw new Error(`converted ${rows} rows of ${n}`);

  const rate = (s: number) => `${Math.round(n / s).toLocaleString('en-US')} docs/s`;
  const rowsOut = [
    ['cleaning (the shard stage, reference)', cleanSeconds],
    ['statistics pass, before this issue (reference)', statsSeconds],
    ['statistics pass + report profile (cleaning trace)', withProfileSeconds],
    ['parse result JSON Lines (reference)', parseSeconds],
    ['result JSON Lines -> Parquet ZSTD (DuckDB)', parquetSeconds],
  ] as const;
  console.log(`finalisation bench: ${n} SpamAssassin mails (cycled), Node ${process.version}, one run`);
  for (const [what, s] of rowsOut) console.log(`  ${what.padEnd(52)} ${s.toFixed(2).padStart(7)} s  ${rate(s).padStart(16)}`);
  console.log(`  result part sizes: JSON Lines ${(jsonl.length / 1e6).toFixed(1)} MB, Parquet ${(parquet.length / 1e6).toFixed(1)} MB`);
}

void main();

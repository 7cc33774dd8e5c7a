import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { SyntheticCorpus } from '../synthetic-corpus';

/** The corpus to score: one file of every document, and the same documents split into parts. */
export interface ChaosCorpus {
  docs: number;
  /** JSON Lines of every document, in id order. */
  file: string;
  /** Parts by split name (e.g. "20" -> 20 files), each a contiguous range of ids. */
  splits: Record<string, CorpusPart[]>;
}

export interface CorpusPart {
  file: string;
  /** Ids d<first> .. d<first + count - 1>. */
  first: number;
  count: number;
}

export const docId = (i: number) => `d${i}`;

export function idsOf(part: { first: number; count: number }): string[] {
  return Array.from({ length: part.count }, (_, i) => docId(part.first + i));
}

async function write(out: WriteStream, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain');
}

async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}

/**
 * Labelled review-like documents from a fixed seed (bench/synthetic-corpus.ts): the same documents
 * on every run and machine, written once as a whole and once per split in one pass.
 */
export async function writeCorpus(dir: string, docs: number, splits: number[], seed = 2): Promise<ChaosCorpus> {
  mkdirSync(dir, { recursive: true });
  const corpus = new SyntheticCorpus(seed);
  const file = path.join(dir, 'corpus.jsonl');
  const whole = createWriteStream(file);
  const parts: Record<string, Array<CorpusPart & { out: WriteStream }>> = {};
  for (const n of splits) {
    const size = Math.ceil(docs / n);
    parts[String(n)] = Array.from({ length: n }, (_, p) => {
      const partFile = path.join(dir, `split-${n}`, `part-${String(p + 1).padStart(2, '0')}.jsonl`);
      mkdirSync(path.dirname(partFile), { recursive: true });
      return { file: partFile, first: p * size, count: Math.max(0, Math.min(size, docs - p * size)), out: createWriteStream(partFile) };
    });
  }
  for (let i = 0; i < docs; i++) {
    const d = corpus.next(i);
    const line = JSON.stringify({ id: docId(i), title: d.title, text: d.body, label: d.label }) + '\n';
    await write(whole, line);
    for (const split of Object.values(parts)) {
      const part = split.find((p) => i >= p.first && i < p.first + p.count);
      if (part) await write(part.out, line);
    }
  }
  await close(whole);
  for (const split of Object.values(parts)) for (const part of split) await close(part.out);
  return {
    docs,
    file,
    splits: Object.fromEntries(
      Object.entries(parts).map(([name, split]) => [name, split.map(({ file: f, first, count }) => ({ file: f, first, count }))]),
    ),
  };
}

/** Labelled documents from another seed for training the model that scores the corpus. */
export async function writeTrainingSet(file: string, docs: number, seed = 1): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const corpus = new SyntheticCorpus(seed);
  const out = createWriteStream(file);
  for (let i = 0; i < docs; i++) {
    const d = corpus.next(i);
    await write(out, JSON.stringify({ id: `t${i}`, title: d.title, text: d.body, label: d.label }) + '\n');
  }
  await close(out);
}

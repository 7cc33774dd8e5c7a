import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NaiveBayesOptions, VectorizerOptions } from '../../src/model';
import { repoRoot, venvBin } from '../../src/util/repo-root';

export interface SklearnJob {
  train: { docs: string[][]; labels: string[] };
  test: { docs: string[][]; labels: string[] };
  configs: { vectorizer: VectorizerOptions; classifier: NaiveBayesOptions }[];
  /** Also return idf and feature_log_prob per term (small vocabularies only). */
  details?: boolean;
}

export interface SklearnResult {
  classes: string[];
  predictions: string[];
  probabilities: number[][];
  accuracy: number;
  vocabularySize: number;
  classLogPrior: number[];
  idf?: Record<string, number>;
  featureLogProb?: Record<string, number[]>;
}

/** Runs test/parity/sklearn_nb.py in the project venv; token lists travel through a temp JSON file. */
export async function runSklearn(job: SklearnJob): Promise<SklearnResult[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sklearn-parity-'));
  try {
    const input = path.join(dir, 'job.json');
    const output = path.join(dir, 'result.json');
    await writeFile(input, JSON.stringify(job));
    const script = path.join(repoRoot(), 'test', 'parity', 'sklearn_nb.py');
    await promisify(execFile)(venvBin('python'), [script, input, output], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(await readFile(output, 'utf8')) as SklearnResult[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ClassifierOptions, NaiveBayesOptions, VectorizerOptions } from '../../src/model';
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
  return runScript<SklearnResult[]>('sklearn_nb.py', job);
}

export interface SklearnLinearJob {
  train: { docs: string[][]; labels: string[] };
  test: { docs: string[][]; labels: string[] };
  configs: { vectorizer: VectorizerOptions; classifier: ClassifierOptions }[];
  /** Also return coefficients per term, intercepts and (SVM) calibration (small vocabularies only). */
  details?: boolean;
}

export interface SklearnLinearResult {
  classes: string[];
  predictions: string[];
  probabilities: number[][];
  accuracy: number;
  vocabularySize: number;
  /** Per term, its weight in each column (one column for two classes). */
  coefficients?: Record<string, number[]>;
  intercepts?: number[];
  /** SVM: Platt's [a, b] per column. */
  calibration?: number[][];
  iterations?: number;
}

/** Runs test/parity/sklearn_linear.py: LogisticRegression(lbfgs) or CalibratedClassifierCV(SGDClassifier(hinge)). */
export async function runSklearnLinear(job: SklearnLinearJob): Promise<SklearnLinearResult[]> {
  return runScript<SklearnLinearResult[]>('sklearn_linear.py', job);
}

async function runScript<T>(name: string, job: unknown): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sklearn-parity-'));
  try {
    const input = path.join(dir, 'job.json');
    const output = path.join(dir, 'result.json');
    await writeFile(input, JSON.stringify(job));
    const script = path.join(repoRoot(), 'test', 'parity', name);
    await promisify(execFile)(venvBin('python'), [script, input, output], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(await readFile(output, 'utf8')) as T;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChaosEnvironment } from './environment';
import { machineAtStart, type MachineInfo } from './report';
import { judge, newRow, type Scenario, type ScenarioRow } from './scenario';
import { concurrentBatches } from './scenarios/concurrent';
import { s3Events } from './scenarios/s3-events';
import { reference, s3AccessDenied, s3Faults, serverSigkill, twoWorkers, workerSigkill } from './scenarios/single-batch-scenarios';

export interface ChaosOptions {
  docs: number;
  /** Scenario names to run; the reference always runs (the others are compared with it). */
  scenarios: string[];
  seed: number;
  workerKills: number;
  /** Each worker kill after the first waits until the batch has moved on since the previous one (default true). */
  killsAfterProgress?: boolean;
  concurrentBatches: number;
  /** Run the scenarios at the same time (each has its own task queue and workers): the test's short subset. */
  parallel: boolean;
  /** Keep the run folder (corpus, store, logs, exports) instead of deleting it. */
  keep: boolean;
  log: (line: string) => void;
}

export interface ChaosReport {
  machine: MachineInfo;
  options: Omit<ChaosOptions, 'log'>;
  referenceSha256: string | null;
  rows: ScenarioRow[];
  seconds: number;
  dir: string;
}

export function allScenarios(options: Pick<ChaosOptions, 'workerKills' | 'concurrentBatches' | 'killsAfterProgress'>): Scenario[] {
  return [
    reference,
    workerSigkill(options.workerKills, options.killsAfterProgress ?? true),
    serverSigkill,
    twoWorkers,
    s3Faults,
    s3AccessDenied,
    s3Events,
    concurrentBatches(options.concurrentBatches),
  ];
}

/** Seconds an undisturbed batch of `docs` takes, before the reference has measured it. */
const guessSeconds = (docs: number) => Math.max(5, docs / 1500);

async function runOne(scenario: Scenario, env: ChaosEnvironment, estimate: number): Promise<ScenarioRow> {
  env.log(`scenario ${scenario.name}: ${scenario.summary}`);
  try {
    const row = await scenario.run(env, estimate);
    env.log(`scenario ${scenario.name}: ${row.status} in ${row.seconds.toFixed(1)} s`);
    return row;
  } catch (err) {
    const row = newRow(scenario.name, env.docs);
    row.status = 'HARNESS_ERROR';
    row.problems.push(`the scenario could not run: ${(err as Error).stack ?? String(err)}`);
    env.log(`scenario ${scenario.name}: harness error ${(err as Error).message}`);
    return row;
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const machine = machineAtStart();
  const available = allScenarios(options);
  const unknown = options.scenarios.filter((n) => !available.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${available.map((s) => s.name).join(', ')}`);
  const chosen = available.filter((s) => s.name === 'reference' || options.scenarios.includes(s.name));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-batch-chaos-'));
  const env = new ChaosEnvironment({
    docs: options.docs,
    seed: options.seed,
    dir,
    concurrentBatches: options.concurrentBatches,
    log: options.log,
  });
  let rows: ScenarioRow[] = [];
  try {
    await env.setUp();
    if (options.parallel) {
      rows = await Promise.all(chosen.map((s) => runOne(s, env, guessSeconds(options.docs))));
    } else {
      const ref = await runOne(reference, env, guessSeconds(options.docs));
      rows.push(ref);
      const estimate = ref.seconds > 0 ? ref.seconds : guessSeconds(options.docs);
      for (const scenario of chosen.filter((s) => s !== reference)) rows.push(await runOne(scenario, env, estimate));
    }
  } finally {
    await env.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
  const ref = rows.find((r) => r.scenario === 'reference');
  const referenceSha256 = ref && ref.missing === 0 && ref.duplicated === 0 ? ref.sha256 : null;
  for (const row of rows) judge(row, referenceSha256);
  machine.loadAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const { log: _log, ...rest } = options;
  return { machine, options: rest, referenceSha256, rows, seconds: (Date.now() - started) / 1000, dir };
}

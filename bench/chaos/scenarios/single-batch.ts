import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { IngestProgressV1 } from '../../../src/contracts/ingest-batch';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import type { ObjectStore } from '../../../src/storage/object-store';
import { awaitBatch, exportBatch, progressOf, startBatch, strayResultObjects, terminateQuietly } from '../batch';
import { sleep } from '../child';
import { idsOf } from '../corpus';
import { ChaosDevServer } from '../dev-server';
import type { ChaosEnvironment } from '../environment';
import { FaultProxy } from '../fault-proxy';
import { scenarioSeed, seededRandom } from '../random';
import { newRow, type ScenarioRow } from '../scenario';
import { account } from '../verify';
import type { WorkerProcess } from '../worker-process';

/** What a disruption can reach while the batch runs. */
export interface BatchUnderTest {
  env: ChaosEnvironment;
  client: Client;
  workflowId: string;
  workers: WorkerProcess[];
  server: ChaosDevServer;
  proxy?: FaultProxy;
  /** Seeded per scenario. */
  random: () => number;
  /** The undisturbed run's duration (or an estimate before it is known). */
  estimateSeconds: number;
  notes: string[];
  finished(): boolean;
  /** Seconds since the batch was started. */
  elapsed(): number;
  /** Sleeps, returning false at once when the batch has finished meanwhile. */
  wait(ms: number): Promise<boolean>;
  progress(): Promise<IngestProgressV1 | undefined>;
}

export interface SingleBatchPlan {
  scenario: string;
  workers: number;
  store: 'fs' | 's3-via-proxy';
  /** A dev server of its own (the scenario kills it). */
  ownServer?: boolean;
  deadlineSeconds: number;
  /** The scenario expects this failure type instead of results. */
  expectFailure?: RegExp;
  /** Runs before the batch starts (e.g. installs a proxy rule). */
  prepare?: (batch: { proxy?: FaultProxy; bucket?: string; prefix?: string; batchId: string }) => void;
  disrupt?: (batch: BatchUnderTest) => Promise<void>;
}

export function describeProgress(p: IngestProgressV1 | undefined): string {
  if (!p) return 'progress unavailable';
  return `${p.phase}, ${p.rows.done}/${p.rows.total} rows, ${p.shards.done}/${p.shards.total} shards`;
}

/** One batch over the whole corpus, with workers, server and store wired as the plan says. */
export async function runSingleBatch(env: ChaosEnvironment, plan: SingleBatchPlan, estimateSeconds: number): Promise<ScenarioRow> {
  const row = newRow(plan.scenario, env.docs, plan.expectFailure ? 'typed-failure' : 'all-rows');
  const dataDir = path.join(env.settings.dir, plan.scenario);
  const taskQueue = `chaos-${plan.scenario}`;
  const server = plan.ownServer ? await ChaosDevServer.start(path.join(dataDir, 'temporal')) : env.server;
  const client = plan.ownServer ? await env.connect(server.address) : env.client;
  const address = { TEMPORAL_ADDRESS: server.address };
  let proxy: FaultProxy | undefined;
  let workerEnv: NodeJS.ProcessEnv;
  let exportEnv: NodeJS.ProcessEnv;
  let bucket: string | undefined;
  let prefix: string | undefined;
  let store: ObjectStore;
  if (plan.store === 'fs') {
    workerEnv = env.fsEnv(taskQueue, dataDir, address);
    exportEnv = workerEnv;
    store = new FsObjectStore(env.storeRoot);
  } else {
    const fixture = await env.s3();
    proxy = await FaultProxy.start(fixture.moto.endpoint);
    bucket = fixture.storeBucket;
    prefix = fixture.prefix;
    store = fixture.store(bucket);
    workerEnv = { ...env.s3Env(fixture, bucket, taskQueue, dataDir, proxy.endpoint), ...address };
    // Reading the results back goes around the proxy: the check must not suffer the faults.
    exportEnv = { ...env.s3Env(fixture, bucket, taskQueue, dataDir, fixture.moto.endpoint), ...address };
  }
  const workers = Array.from({ length: plan.workers }, (_, i) => env.worker(`worker-${i + 1}`, workerEnv, dataDir));
  try {
    for (const worker of workers) await worker.start();
    const batchId = `${plan.scenario}-${env.runId}`;
    plan.prepare?.({ proxy, bucket, prefix, batchId });
    const started = Date.now();
    const workflowId = await startBatch(env, workerEnv, batchId, [env.corpusKey]);
    let finished = false;
    const batch: BatchUnderTest = {
      env,
      client,
      workflowId,
      workers,
      server,
      proxy,
      random: seededRandom(scenarioSeed(env.settings.seed, plan.scenario)),
      estimateSeconds,
      notes: row.notes,
      finished: () => finished,
      elapsed: () => (Date.now() - started) / 1000,
      wait: async (ms) => {
        const until = Date.now() + ms;
        while (!finished && Date.now() < until) await sleep(Math.min(200, until - Date.now()));
        return !finished;
      },
      progress: () => progressOf(client, workflowId),
    };
    const disruption = (plan.disrupt?.(batch) ?? Promise.resolve()).catch((err: Error) =>
      row.problems.push(`the fault injection itself failed: ${err.message}`),
    );
    const outcome = await awaitBatch(client, workflowId, started + plan.deadlineSeconds * 1000);
    finished = true;
    row.seconds = (Date.now() - started) / 1000;
    await disruption;
    if (proxy) row.notes.push(`proxy: ${proxy.stats.forwarded} requests forwarded, faults answered ${JSON.stringify(proxy.stats.faulted)}`);
    row.status = outcome.status === 'FAILED' ? `FAILED (${outcome.failureTypes.slice(-1)[0] ?? '?'})` : outcome.status;
    if (outcome.status === 'STILL_RUNNING') {
      row.problems.push(`still running after ${plan.deadlineSeconds} s (${outcome.phase ?? 'no progress'}); terminated`);
      await terminateQuietly(client, workflowId, 'chaos: scenario deadline');
    } else if (outcome.failureTypes.length > 0) {
      row.notes.push(`failure: ${outcome.failureTypes.join(' <- ')}: ${outcome.failureMessage ?? ''}`.slice(0, 400));
    }

    const exported = await exportBatch(env, exportEnv, batchId, path.join(dataDir, 'export.jsonl'));
    if (plan.expectFailure) {
      checkTypedFailure(row, plan.expectFailure, outcome.status, outcome.failureTypes, batchId, dataDir, exported);
      return row;
    }
    if (outcome.status !== 'COMPLETED') row.problems.push(`the batch ended ${outcome.status}, not COMPLETED`);
    if (!exported.results) {
      row.problems.push(`nlp-batch export refused: ${exported.error}`);
      return row;
    }
    const strays = await strayResultObjects(store, batchId);
    if (strays.length > 0) row.problems.push(`${strays.length} result objects outside the manifest: ${strays.slice(0, 3).join(', ')}`);
    const accounting = account(exported.results, idsOf({ first: 0, count: env.docs }));
    row.missing = accounting.missing;
    row.duplicated = accounting.duplicated;
    row.sha256 = accounting.sha256;
    if (accounting.unexpected > 0) row.problems.push(`${accounting.unexpected} exported rows carry ids that were never input`);
    return row;
  } finally {
    for (const worker of workers)
      if (worker.failedStarts.length > 0)
        row.notes.push(`${worker.name} exited before polling and was started again: ${worker.failedStarts.join('; ')}`);
    for (const worker of workers) await worker.stop();
    await proxy?.close();
    if (plan.ownServer) await server.stop();
  }
}

interface NotificationLine {
  event?: string;
  attributes?: { batchId?: string };
}

function notificationsOf(dataDir: string, batchId: string): NotificationLine[] {
  let text = '';
  try {
    text = readFileSync(path.join(dataDir, 'notifications.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as NotificationLine)
    .filter((n) => n.attributes?.batchId === batchId);
}

/** A typed failure, a failure alert, and nothing of the batch presented as a result. */
function checkTypedFailure(
  row: ScenarioRow,
  expected: RegExp,
  status: string,
  types: string[],
  batchId: string,
  dataDir: string,
  exported: { results?: { rows: number }; error?: string },
): void {
  if (status !== 'FAILED') row.problems.push(`expected the batch to fail, it ended ${status}`);
  else if (!types.some((t) => expected.test(t))) row.problems.push(`the failure is not typed ${expected}: ${types.join(' <- ')}`);
  const alerts = notificationsOf(dataDir, batchId);
  if (!alerts.some((n) => n.event === 'batch.failed')) row.problems.push('no batch.failed alert was sent');
  if (alerts.some((n) => n.event === 'batch.completed')) row.problems.push('a batch.completed alert was sent for a failed batch');
  if (exported.results) row.problems.push(`nlp-batch export presented ${exported.results.rows} rows of the failed batch as results`);
  else row.notes.push(`export refused as it should: ${exported.error}`);
}

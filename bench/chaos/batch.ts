import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { IngestProgressV1 } from '../../src/contracts/ingest-batch';
import { layout } from '../../src/pipeline/layout';
import type { ObjectStore } from '../../src/storage/object-store';
import { sleep } from './child';
import { MODEL_NAME, type ChaosEnvironment } from './environment';
import { readExportedResults, type ExportedResults } from './verify';

/** How a batch ended, read from the server (never from the harness's own bookkeeping). */
export interface BatchOutcome {
  workflowId: string;
  /** The workflow's status (COMPLETED, FAILED, ...), or STILL_RUNNING when the deadline passed. */
  status: string;
  /** Failure types along the cause chain (ApplicationFailure types, else the failure class). */
  failureTypes: string[];
  failureMessage?: string;
  /** The last progress the workflow reported, when it is still running at the deadline. */
  phase?: string;
}

/**
 * Starts a batch the way a user does: `nlp-batch ingest store:<key>... --batch-id <id> --model chaos`.
 * A command that could not reach the server at all (its connect timeout, on a loaded machine) is
 * run again, as a user would; `retries` says how often that happened.
 */
export async function startBatch(
  env: ChaosEnvironment,
  cliEnv: NodeJS.ProcessEnv,
  batchId: string,
  keys: string[],
  retries: string[] = [],
): Promise<string> {
  const args = ['ingest', ...keys.map((k) => `store:${k}`), '--batch-id', batchId, '--model', MODEL_NAME];
  for (let attempt = 1; ; attempt++) {
    const out = await env.cli(args, cliEnv, 120_000);
    const workflowId = out.stdout.trim().split('\n').pop() ?? '';
    if (out.code === 0 && workflowId) return workflowId;
    const error = out.stderr.trim().split('\n').pop() ?? `exit ${out.code}`;
    if (!/Failed to connect/i.test(error) || attempt >= 3) throw new Error(`nlp-batch ingest ${batchId} failed (${out.code}): ${error}`);
    retries.push(`${batchId}: ${error}`);
  }
}

/**
 * The workflow's progress query; undefined while the server or every worker is down (a query
 * needs a worker to answer it, so it is bounded: a killed worker must not stall the harness).
 */
export async function progressOf(client: Client, workflowId: string, timeoutMs = 5000): Promise<IngestProgressV1 | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    const query = client.workflow
      .getHandle(workflowId)
      .query<IngestProgressV1>('progress')
      .catch(() => undefined);
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function statusOf(client: Client, workflowId: string): Promise<string | undefined> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch {
    return undefined; // the server is down or restarting: ask again
  }
}

/** Failure types and the innermost message along a failure's cause chain. */
export function failureChain(err: unknown): { types: string[]; message: string } {
  const types: string[] = [];
  let message = err instanceof Error ? err.message : String(err);
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const type = (e as { type?: unknown }).type;
    types.push(typeof type === 'string' && type ? type : e.constructor.name);
    message = e.message;
  }
  return { types, message };
}

/**
 * Waits until the workflow is closed (surviving a server that is down meanwhile), or the deadline.
 * Polls describe() rather than holding a long poll, so a restarted server is picked up at once.
 */
export async function awaitBatch(client: Client, workflowId: string, deadline: number): Promise<BatchOutcome> {
  let status: string | undefined;
  for (;;) {
    status = await statusOf(client, workflowId);
    if (status !== undefined && status !== 'RUNNING') break;
    if (Date.now() > deadline) {
      const progress = await progressOf(client, workflowId);
      return { workflowId, status: 'STILL_RUNNING', failureTypes: [], phase: progress?.phase };
    }
    await sleep(500);
  }
  if (status === 'COMPLETED') return { workflowId, status, failureTypes: [] };
  try {
    await client.workflow.getHandle(workflowId).result();
    return { workflowId, status, failureTypes: [] };
  } catch (err) {
    const chain = failureChain(err instanceof WorkflowFailedError ? err.cause : err);
    return { workflowId, status, failureTypes: chain.types, failureMessage: chain.message };
  }
}

/** `nlp-batch export <batchId> --out <file>`, then the file's records. Undefined when export refuses. */
export async function exportBatch(
  env: ChaosEnvironment,
  cliEnv: NodeJS.ProcessEnv,
  batchId: string,
  outFile: string,
): Promise<{ results?: ExportedResults; error?: string }> {
  const out = await env.cli(['export', batchId, '--out', outFile], cliEnv, 10 * 60_000);
  if (out.code !== 0) return { error: out.stderr.trim().split('\n').pop() ?? `exit ${out.code}` };
  return { results: await readExportedResults([outFile]) };
}

/** Ends a batch left running at a deadline so it does not keep the worker busy for later scenarios. */
export async function terminateQuietly(client: Client, workflowId: string, reason: string): Promise<void> {
  await client.workflow
    .getHandle(workflowId)
    .terminate(reason)
    .catch(() => undefined);
}

/** "20/20 COMPLETED", or "2/3 COMPLETED, 1/3 FAILED". */
export function summarizeStatuses(statuses: string[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n}/${statuses.length} ${status}`).join(', ');
}

/**
 * Result objects under the batch's results prefix that its manifest does not list: export reads
 * the manifest, but anything reading the prefix (a Glue catalog table, Athena) would count them
 * too, so a retry that wrote a part under a new key would duplicate rows there.
 */
export async function strayResultObjects(store: ObjectStore, batchId: string): Promise<string[]> {
  let listed: Set<string>;
  try {
    const manifest = JSON.parse((await store.get(layout.manifest(batchId))).toString('utf8')) as { parts?: Array<{ key: string }> };
    listed = new Set((manifest.parts ?? []).map((p) => p.key));
  } catch {
    return []; // no manifest: export already reports it
  }
  const strays: string[] = [];
  for await (const object of store.list(layout.resultsPrefix(batchId))) {
    // Data parts only: a batch's own JSON side files (statistics) are not rows.
    const isPart = /\.(jsonl|parquet|csv)$/.test(object.key);
    if (isPart && object.key !== layout.manifest(batchId) && !listed.has(object.key)) strays.push(object.key);
  }
  return strays;
}

import { fork } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { codecDataConverter, createPayloadCodec } from '../src/codec';
import { ModelRegistry, type TextClassifier } from '../src/model';
import { FsObjectStore } from '../src/storage/fs-object-store';
import { startDevServer } from '../src/temporal/dev-server';
import { allSearchAttributes } from '../src/contracts/search-attributes';
import { ingestOptions, ingestWorkflowId } from '../src/client/ingest';
import { loadSettings } from '../src/config/settings';
import { venvBin } from '../src/util/repo-root';
import type { ingestBatch } from '../src/workflows/ingest-batch';
import { BenchArgs } from './bench-args';
import { scoreBare, trainBenchModel } from './bench-model';
import { SyntheticCorpus } from './synthetic-corpus';
import { profileBatch, type StageProfile } from './pipeline-profile';

/**
 * ingestBatch throughput against the bare scoring code (clean + featurise + predict in one loop,
 * one thread, no I/O but reading the same file) over the same generated documents, in the same run.
 * The bare loop runs right before the batch and again right after it, and the ratio uses the mean
 * of the two: a machine whose speed drifts over the minutes of a run then biases it less.
 * Usage: node dist/bench/pipeline.bench.js [--docs 100000,1000000] [--cpu-slots N] [--warmup-docs N] [--json]
 * (--cpu-slots: the worker's CPU pool threads, WORKER_CPU_SLOTS; by default one per core.
 *  --warmup-docs: a batch of N other documents through the same worker first, not counted, so the
 *  measured batch meets a warm worker, as every batch but a fresh worker's first does: models
 *  loaded in each thread, code compiled. The bare loop is warm already: it runs in the process
 *  that trained the model.)
 *        node dist/bench/pipeline.bench.js --files 200 --docs 20000   (one file against 200 files of the same rows)
 */
interface Row {
  docs: number;
  /** The mean of the bare loop's two runs (before and after the batch). */
  bareDocsPerSec: number;
  bareDocsPerSecBeforeAfter: [number, number];
  pipelineDocsPerSec: number;
  ratio: number;
  pipelineSeconds: number;
  workerPeakRssMb: number;
  /**
   * CPU milliseconds per 1,000 documents: the bare loop's, the worker process's (every thread)
   * during the batch, and the Temporal server's (null where /proc is not there). Unlike docs/s, a
   * busy machine hardly moves them: they say how much work the pipeline adds per document.
   */
  cpuMsPer1000Docs: { bare: number; worker: number; server: number | null };
  /** Documents of the uncounted batch the worker ran first (0: the measured batch met a fresh worker). */
  warmupDocs: number;
  /** The ingestBatch run's own history (its children's are separate). */
  parentHistoryEvents: number;
  parentHistoryBytes: number;
  shardRanges: number;
  profile: StageProfile[];
}

async function writeCorpus(file: string, docs: number, seed: number): Promise<void> {
  const corpus = new SyntheticCorpus(seed);
  const out = createWriteStream(file);
  for (let i = 0; i < docs; i++) {
    const d = corpus.next(i);
    if (!out.write(JSON.stringify({ id: d.id, title: d.title, text: d.body, label: d.label }) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function bare(file: string, classifier: TextClassifier): Promise<{ docsPerSec: number; cpuSeconds: number }> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const row = JSON.parse(line) as { title: string; text: string };
    scoreBare(row.title, row.text, classifier);
    n++;
  }
  const used = process.cpuUsage(cpu);
  return { docsPerSec: n / (Number(process.hrtime.bigint() - started) / 1e9), cpuSeconds: (used.user + used.system) / 1e6 };
}

/** User + system CPU seconds of a process so far, from /proc (Linux); null elsewhere. */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function startWorker(env: NodeJS.ProcessEnv) {
  // BENCH_CPU_PROFILE=<dir>: the worker writes a V8 CPU profile per thread there (node --cpu-prof).
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(path.join(__dirname, 'pipeline-worker.js'), { env, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
  return {
    ready,
    async cpuSeconds(): Promise<number> {
      const reply = new Promise<number>((resolve) =>
        child.on('message', (m: { cpuSeconds?: number }) => m.cpuSeconds !== undefined && resolve(m.cpuSeconds)),
      );
      child.send('cpu');
      return reply;
    },
    async peakRssMb(): Promise<number> {
      const reply = new Promise<number>((resolve) => child.on('message', (m: { maxRssMb?: number }) => m.maxRssMb && resolve(m.maxRssMb)));
      child.send('report');
      return reply;
    },
    async stop() {
      child.send('stop');
      await once(child, 'exit');
    },
  };
}

interface FilesContext {
  dir: string;
  env: NodeJS.ProcessEnv;
  client: Client;
  settings: ReturnType<typeof loadSettings>;
  json: boolean;
  log: (line: string) => void;
}

/**
 * `--files N --docs D`: the same D documents as one file and as N files of D/N rows, one batch each
 * on the same worker: files are prepared in parallel, so the N files should take about as long.
 */
async function compareFiles(count: number, docs: number, ctx: FilesContext): Promise<void> {
  const folder = path.join(ctx.dir, 'store', 'raw', 'files');
  await import('node:fs/promises').then((fs) => fs.mkdir(folder, { recursive: true }));
  await writeCorpus(path.join(folder, 'one.jsonl'), docs, 3);
  const lines = (await import('node:fs/promises').then((fs) => fs.readFile(path.join(folder, 'one.jsonl'), 'utf8')))
    .split('\n')
    .slice(0, docs);
  const per = Math.ceil(docs / count);
  const keys: string[] = [];
  for (let f = 0; f < count; f++) {
    const name = `part-${String(f).padStart(4, '0')}.jsonl`;
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(path.join(folder, name), lines.slice(f * per, (f + 1) * per).join('\n') + '\n'),
    );
    keys.push(`raw/files/${name}`);
  }
  const worker = startWorker(ctx.env);
  await worker.ready;
  const timed = async (label: string, sources: string[]) => {
    const batchId = `files-${label}-${Date.now()}`;
    const started = process.hrtime.bigint();
    const result = await ctx.client.workflow.execute<typeof ingestBatch>('ingestBatch', {
      taskQueue: 'bench',
      workflowId: ingestWorkflowId(batchId),
      args: [{ version: 1, batchId, modelName: 'bench', sources: sources.map((key) => ({ key })), options: ingestOptions(ctx.settings) }],
    });
    if (result.scored !== docs) throw new Error(`${label}: scored ${result.scored} of ${docs}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  ctx.log('one file');
  const one = await timed('one', ['raw/files/one.jsonl']);
  ctx.log(`${count} files`);
  const many = await timed('many', keys);
  await worker.stop();
  const out = { docs, files: count, oneFileSeconds: one, manyFilesSeconds: many, ratio: many / one, loadAverage1m: os.loadavg()[0] };
  if (ctx.json) process.stdout.write(JSON.stringify(out) + '\n');
  else
    console.log(
      `${docs.toLocaleString('en-US')} documents: one file ${one.toFixed(1)} s, ${count} files ${many.toFixed(1)} s (${out.ratio.toFixed(2)}x; load ${out.loadAverage1m.toFixed(1)}, ${os.cpus().length} cores)`,
    );
}

async function main(): Promise<void> {
  const args = new BenchArgs(
    'node dist/bench/pipeline.bench.js [--docs 100000,1000000] [--cpu-slots N] [--warmup-docs N] [--json] | --files 200 --docs 20000',
    { docs: 'value', files: 'value', 'cpu-slots': 'value', 'warmup-docs': 'value', json: 'flag' },
  );
  const warmupDocs = args.positiveInt('warmup-docs', 0);
  const cpuSlotsArg = args.positiveInt('cpu-slots', undefined);
  const sizes = args.positiveInts('docs', [100_000, 1_000_000]);
  const json = args.flag('json');
  const files = args.positiveInt('files', undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-batch-bench-'));
  const log = (s: string) => !json && process.stderr.write(s + '\n');
  const port = 17233 + Math.floor(Math.random() * 1000);
  const address = `127.0.0.1:${port}`;
  const server = await startDevServer({
    binary: venvBin('temporal'),
    address,
    namespace: 'default',
    uiPort: port + 1000,
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
    searchAttributes: allSearchAttributes,
    headless: true,
  });
  try {
    const store = new FsObjectStore(path.join(dir, 'store'));
    const registry = new ModelRegistry(store);
    log('training the benchmark model on 20,000 generated documents');
    const { classifier, version } = await trainBenchModel(registry);
    await registry.promote('bench', version, { reason: 'benchmark' });

    // The batch alone: no retraining or drift check started by it (they would compete for the cores).
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: 'bench',
      STORE_ROOT: path.join(dir, 'store'),
      DATA_DIR: dir,
      RETRAIN_AFTER_LABELLED_ROWS: '0',
      DRIFT_CHECK_EVERY_BATCHES: '0',
      ...(cpuSlotsArg !== undefined && { WORKER_CPU_SLOTS: String(cpuSlotsArg) }),
    };
    const settings = loadSettings(env);
    // What the worker's pool gets (src/workers/dependencies.ts): its threads, one per core unless set.
    const cpuSlots = settings.worker.cpuSlots ?? os.availableParallelism();
    // Same DATA_DIR as the worker: both use its local payload key (created here, before the worker starts).
    const client = new Client({
      connection: await Connection.connect({ address }),
      dataConverter: codecDataConverter(await createPayloadCodec(settings)),
    });
    if (files !== undefined) {
      await compareFiles(files, sizes[0], { dir, env, client, settings, json, log });
      await client.connection.close();
      return;
    }
    const rows: Row[] = [];
    for (const docs of sizes) {
      const file = path.join(dir, 'store', 'raw', 'bench', `docs-${docs}.jsonl`);
      await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(file), { recursive: true }));
      log(`generating ${docs.toLocaleString()} documents`);
      await writeCorpus(file, docs, 2);

      log('bare scoring code');
      const bareRun = await bare(file, classifier);

      log('ingestBatch');
      const worker = startWorker(env);
      await worker.ready;
      if (warmupDocs > 0) {
        log(`warm-up batch of ${warmupDocs.toLocaleString()} other documents (not counted)`);
        await writeCorpus(path.join(dir, 'store', 'raw', 'bench', 'warmup.jsonl'), warmupDocs, 3);
        const warmupId = `warmup-${docs}-${Date.now()}`;
        const warm = await client.workflow.execute<typeof ingestBatch>('ingestBatch', {
          taskQueue: 'bench',
          workflowId: ingestWorkflowId(warmupId),
          args: [
            {
              version: 1,
              batchId: warmupId,
              modelName: 'bench',
              sources: [{ key: 'raw/bench/warmup.jsonl' }],
              options: ingestOptions(settings),
            },
          ],
        });
        if (warm.scored !== warmupDocs) throw new Error(`the warm-up batch scored ${warm.scored} of ${warmupDocs}`);
      }
      const batchId = `bench-${docs}-${Date.now()}`;
      const workerCpuBefore = await worker.cpuSeconds();
      const serverCpuBefore = processCpuSeconds(server.pid);
      const started = process.hrtime.bigint();
      const handle = await client.workflow.start<typeof ingestBatch>('ingestBatch', {
        taskQueue: 'bench',
        workflowId: ingestWorkflowId(batchId),
        args: [
          { version: 1, batchId, modelName: 'bench', sources: [{ key: `raw/bench/docs-${docs}.jsonl` }], options: ingestOptions(settings) },
        ],
      });
      const result = await handle.result();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const workerCpu = (await worker.cpuSeconds()) - workerCpuBefore;
      const serverCpuAfter = processCpuSeconds(server.pid);
      const history = await handle.fetchHistory();
      if (result.scored !== docs) throw new Error(`pipeline scored ${result.scored} of ${docs}`);
      const rss = await worker.peakRssMb();
      await worker.stop();
      log('bare scoring code again');
      const bareAfter = await bare(file, classifier);
      const bareRate = (bareRun.docsPerSec + bareAfter.docsPerSec) / 2;
      const pipelineRate = docs / seconds;
      rows.push({
        docs,
        bareDocsPerSec: bareRate,
        bareDocsPerSecBeforeAfter: [bareRun.docsPerSec, bareAfter.docsPerSec],
        pipelineDocsPerSec: pipelineRate,
        ratio: pipelineRate / bareRate,
        pipelineSeconds: seconds,
        workerPeakRssMb: rss,
        cpuMsPer1000Docs: {
          bare: (1e6 * (bareRun.cpuSeconds + bareAfter.cpuSeconds)) / 2 / docs,
          worker: (1e6 * workerCpu) / docs,
          server: serverCpuBefore === null || serverCpuAfter === null ? null : (1e6 * (serverCpuAfter - serverCpuBefore)) / docs,
        },
        parentHistoryEvents: history.events?.length ?? 0,
        parentHistoryBytes: Buffer.byteLength(historyToJSON(history)),
        shardRanges: result.shardRanges,
        warmupDocs,
        profile: await profileBatch(client, handle.workflowId, result.shardRanges),
      });
      await store.delete(`raw/bench/docs-${docs}.jsonl`);
      rmSync(path.join(dir, 'store', 'staged'), { recursive: true, force: true });
      rmSync(path.join(dir, 'store', 'processed'), { recursive: true, force: true });
      rmSync(path.join(dir, 'store', 'results'), { recursive: true, force: true });
      rmSync(path.join(dir, 'store', 'batches'), { recursive: true, force: true });
    }
    await client.connection.close();
    if (!json) {
      for (const r of rows) {
        console.log(
          `\nwhere ${r.docs.toLocaleString('en-US')} documents spent their time (activity: count, busy s, span s, longest queued s)`,
        );
        for (const p of r.profile) {
          console.log(
            `  ${p.activity.padEnd(22)} ${String(p.count).padStart(5)} ${p.busySeconds.toFixed(1).padStart(8)} ${p.spanSeconds.toFixed(1).padStart(8)} ${p.maxQueuedSeconds.toFixed(1).padStart(8)}`,
          );
        }
      }
    }

    if (json) {
      process.stdout.write(
        JSON.stringify({
          settings: { shardSize: settings.pipeline.shardSize, parallelism: settings.pipeline.parallelism, cpuSlots, warmupDocs },
          machine: { cores: os.cpus().length, loadAverage1m: os.loadavg()[0] },
          rows,
        }) + '\n',
      );
    } else {
      const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);
      console.log(
        `\ningestBatch vs bare scoring (shard size ${settings.pipeline.shardSize}, parallelism ${settings.pipeline.parallelism}, ${cpuSlots} CPU pool threads, ${warmupDocs > 0 ? `a warm worker (${warmupDocs.toLocaleString('en-US')} documents first)` : 'a fresh worker'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`,
      );
      console.log(
        '      docs |  bare docs/s | pipeline docs/s | pipeline/bare | pipeline s | worker peak RSS MB | parent events | parent KiB | ranges | CPU ms/1k docs: bare | worker | server',
      );
      for (const r of rows) {
        console.log(
          `${fmt(r.docs)} | ${fmt(r.bareDocsPerSec)}   | ${fmt(r.pipelineDocsPerSec)}      | ${(100 * r.ratio).toFixed(1).padStart(11)} % | ${r.pipelineSeconds.toFixed(1).padStart(10)} | ${r.workerPeakRssMb.toFixed(0).padStart(18)} | ${String(r.parentHistoryEvents).padStart(13)} | ${(r.parentHistoryBytes / 1024).toFixed(1).padStart(10)} | ${String(r.shardRanges).padStart(6)} | ${r.cpuMsPer1000Docs.bare.toFixed(0).padStart(19)} | ${r.cpuMsPer1000Docs.worker.toFixed(0).padStart(6)} | ${r.cpuMsPer1000Docs.server === null ? '-' : r.cpuMsPer1000Docs.server.toFixed(0).padStart(6)}`,
        );
      }
      for (const r of rows) {
        const [before, after] = r.bareDocsPerSecBeforeAfter;
        console.log(`${fmt(r.docs)}: bare docs/s is the mean of ${Math.round(before)} before the batch and ${Math.round(after)} after it`);
      }
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { storeEnvironment } from '../../../src/aws/store-from-settings';
import { loadSettings } from '../../../src/config/settings';
import { jobSpecKey } from '../../../src/jobs/job-spec-key';
import { readProcessedShard } from '../../../src/jobs/processed-record';
import { LocalProcessRunner } from '../../../src/jobs/local-process-runner';
import type { EtlJobSpec, RemoteJobRunner, RemoteJobState, ScoringJobSpec } from '../../../src/jobs/remote-job';
import { readScoringSummary } from '../../../src/jobs/scoring-summary';
import { ModelRegistry } from '../../../src/model';
import { layout } from '../../../src/pipeline/layout';
import { toJsonl } from '../../../src/pipeline/jsonl';
import type { ProcessedRecord, StagedRecord } from '../../../src/pipeline/records';
import { scoreRecords } from '../../../src/scoring/score-records';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import { cleanDocument } from '../../../src/text';
import { sampleMessages } from '../../helpers/corpus';
import { seedModel } from '../../helpers/seed-model';

/** The compiled entrypoints next to this compiled test (dist/ or a private --outDir alike). */
const compiled = path.resolve(__dirname, '..', '..', '..', 'src');
const entrypoints = {
  scoring: path.join(compiled, 'scoring', 'batch-entrypoint.js'),
  etl: path.join(compiled, 'etl', 'local-etl-entrypoint.js'),
};

async function waitForEnd(runner: RemoteJobRunner, jobId: string, timeoutMs = 60_000): Promise<RemoteJobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await runner.status(jobId);
    if (state.state !== 'running') return state;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still running: ${state.detail}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sibling tasks are killed asynchronously after a failure; give a loaded machine a few seconds. */
async function waitUntilGone(pids: number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) assert.fail(`task processes still running: ${pids.filter(alive).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function scoringSpec(batchId: string, n: number): ScoringJobSpec {
  return {
    kind: 'scoring',
    batchId,
    modelName: 'm',
    modelVersion: 'v1',
    processedKeys: Array.from({ length: n }, (_, i) => layout.processed(batchId, i)),
    resultKeys: Array.from({ length: n }, (_, i) => layout.resultPart(batchId, i)),
  };
}

/** A stand-in task whose behaviour the test picks through FAKE_MODE; it logs every start and end. */
const FAKE_TASK = `
const fs = require('fs');
const i = Number(process.env.AWS_BATCH_JOB_ARRAY_INDEX);
const attempt = Number(process.env.AWS_BATCH_JOB_ATTEMPT);
const log = (event) => fs.appendFileSync(process.env.FAKE_LOG, JSON.stringify({ event, i, attempt, spec: process.env.SPEC_KEY, t: Date.now(), pid: process.pid }) + '\\n');
log('start');
const mode = process.env.FAKE_MODE;
const end = (code, message) => { log('end'); if (message) process.stderr.write('noise\\n' + message + '\\n'); process.exit(code); };
const startsSoFar = () => fs.readFileSync(process.env.FAKE_LOG, 'utf8').split('\\n').filter((l) => l.includes('"start"')).length;
// 'ok' waits (up to 5 s) until two tasks have started, so two concurrent slots are always observed.
if (mode === 'ok') { const t0 = Date.now(); const tick = () => (startsSoFar() >= 2 || Date.now() - t0 > 5000 ? end(0) : setTimeout(tick, 10)); tick(); }
else if (mode === 'flaky') setTimeout(() => (i === 1 && attempt < 3 ? end(1, 'transient hiccup') : end(0)), 20);
else if (mode === 'permanent') setTimeout(() => (i === 0 ? end(2, 'bad input in shard 0') : end(0)), i === 0 ? 20 : 5000);
else if (mode === 'always-fails') end(1, 'still broken');
else if (mode === 'hang') setInterval(() => undefined, 1000);
`;

describe('LocalProcessRunner', () => {
  let dir: string;
  let fakeEntrypoint: string;
  let logFile: string;
  const runners: LocalProcessRunner[] = [];

  function fakeRunner(mode: string, options: Partial<ConstructorParameters<typeof LocalProcessRunner>[0]> = {}): LocalProcessRunner {
    const runner = new LocalProcessRunner({
      entrypoints: { scoring: fakeEntrypoint, etl: fakeEntrypoint },
      env: { FAKE_MODE: mode, FAKE_LOG: logFile },
      killGraceMs: 500,
      ...options,
    });
    runners.push(runner);
    return runner;
  }

  function events(): Array<{ event: string; i: number; attempt: number; spec: string; t: number; pid: number }> {
    try {
      return readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    } catch {
      return [];
    }
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'local-runner-'));
    fakeEntrypoint = path.join(dir, 'fake-task.js');
    logFile = path.join(dir, 'events.jsonl');
    writeFileSync(fakeEntrypoint, FAKE_TASK);
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs one process per shard with the Batch array environment, at most `concurrency` at a time', async () => {
    const runner = fakeRunner('ok', { concurrency: 2 });
    const jobId = await runner.submit(scoringSpec('b1', 5), 'b1-scoring');
    assert.deepEqual(await waitForEnd(runner, jobId), { state: 'succeeded' });
    const log = events();
    assert.deepEqual([...new Set(log.map((e) => e.i))].sort(), [0, 1, 2, 3, 4]);
    assert.ok(log.every((e) => e.spec === jobSpecKey('b1', 'scoring') && e.attempt === 1));
    let running = 0;
    let peak = 0;
    // Appends land in the file in the order they happened (O_APPEND), finer than millisecond stamps.
    for (const e of log) {
      running += e.event === 'start' ? 1 : -1;
      peak = Math.max(peak, running);
    }
    assert.equal(peak, 2);
  });

  it('is idempotent per token while a job is alive; an unknown job id reads as failed', async () => {
    const runner = fakeRunner('ok');
    const first = await runner.submit(scoringSpec('b2', 2), 'b2-scoring');
    assert.equal(await runner.submit(scoringSpec('b2', 2), 'b2-scoring'), first);
    assert.notEqual(await runner.submit(scoringSpec('b3', 2), 'b3-scoring'), first);
    assert.deepEqual(await runner.status('local-unknown-1'), {
      state: 'failed',
      code: 'ERROR',
      reason: 'unknown local job local-unknown-1 (the worker that ran it has restarted); resubmit',
    });
  });

  it('retries a task that exits 1, up to `attempts`', async () => {
    const runner = fakeRunner('flaky', { attempts: 3 });
    const jobId = await runner.submit(scoringSpec('b4', 3), 'b4');
    assert.deepEqual(await waitForEnd(runner, jobId), { state: 'succeeded' });
    assert.deepEqual(
      events()
        .filter((e) => e.i === 1 && e.event === 'start')
        .map((e) => e.attempt),
      [1, 2, 3],
    );

    const stubborn = fakeRunner('always-fails', { attempts: 2 });
    const failed = await waitForEnd(stubborn, await stubborn.submit(scoringSpec('b5', 1), 'b5'));
    assert.deepEqual(failed, { state: 'failed', code: 'FAILED', reason: 'task 0 failed after 2 attempts: still broken' });
  });

  it('does not retry exit code 2 and stops the sibling tasks', async () => {
    const runner = fakeRunner('permanent', { attempts: 3, concurrency: 3 });
    const jobId = await runner.submit(scoringSpec('b6', 3), 'b6');
    const state = await waitForEnd(runner, jobId);
    // `permanent` makes runRemoteJob fail the activity non-retryably instead of resubmitting the job.
    assert.deepEqual(state, {
      state: 'failed',
      code: 'FAILED',
      reason: 'task 0 failed permanently: bad input in shard 0',
      permanent: true,
    });
    const starts = events().filter((e) => e.event === 'start');
    assert.equal(starts.filter((e) => e.i === 0).length, 1, 'exit code 2 is final');
    await waitUntilGone(starts.map((e) => e.pid));
  });

  it('stop() kills running tasks, drops queued ones and reports STOPPED', async () => {
    const runner = fakeRunner('hang', { concurrency: 2 });
    const jobId = await runner.submit(scoringSpec('b7', 4), 'b7');
    const deadline = Date.now() + 10_000;
    while (events().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match((await runner.status(jobId)).state, /running/);
    await runner.stop(jobId, 'workflow cancelled');
    assert.deepEqual(await runner.status(jobId), { state: 'failed', code: 'STOPPED', reason: 'workflow cancelled' });
    const starts = events().filter((e) => e.event === 'start');
    assert.equal(starts.length, 2, 'queued tasks never start');
    for (const e of starts) assert.throws(() => process.kill(e.pid, 0), 'stop() returns once its processes have exited');
    // A second submission with the same token after a stop is a new job.
    assert.notEqual(await runner.submit(scoringSpec('b7', 4), 'b7'), jobId);
  });

  it('fails a task that exceeds the attempt timeout with TIMEOUT', async () => {
    const runner = fakeRunner('hang', { attemptTimeoutMs: 300 });
    const state = await waitForEnd(runner, await runner.submit(scoringSpec('b8', 1), 'b8'));
    assert.equal(state.state === 'failed' && state.code, 'TIMEOUT');
  });

  it('refuses an invalid spec or a missing entrypoint at submit time', async () => {
    const runner = fakeRunner('ok');
    const spec = scoringSpec('b9', 2);
    await assert.rejects(runner.submit({ ...spec, resultKeys: spec.resultKeys.slice(1) }, 't'), /differ in length/);
    const missing = new LocalProcessRunner({ entrypoints: { scoring: path.join(dir, 'nope.js') } });
    await assert.rejects(missing.submit(spec, 't'), /does not exist: build the project first/);
  });

  describe('with the real entrypoints on a filesystem store', () => {
    const batchId = 'b20240514-local';
    let store: FsObjectStore;
    let env: Record<string, string>;
    let staged: StagedRecord[][];

    beforeEach(async function () {
      this.timeout(60_000);
      const root = path.join(dir, 'store');
      store = new FsObjectStore(root);
      env = storeEnvironment(loadSettings({ STORE: 'fs', STORE_ROOT: root, DATA_DIR: path.join(dir, 'data') }));
      await seedModel(new ModelRegistry(store), 'm', 200);
      const messages = sampleMessages(30, 1200);
      staged = [messages.slice(0, 12), messages.slice(12, 25), messages.slice(25)].map((part, s) =>
        part.map((m, i) => ({
          id: `${s}-${i}`,
          source: { key: 'raw/mail/in.csv', line: s * 100 + i + 2 },
          title: m.subject,
          body: m.body,
          label: m.label,
        })),
      );
      for (const [s, records] of staged.entries()) await store.put(layout.staged(batchId, s), toJsonl(records));
    });

    it('ETL then scoring give the in-worker results; parts are overwritten, never duplicated, on a rerun', async function () {
      this.timeout(90_000);
      const runner = new LocalProcessRunner({ entrypoints, env, concurrency: 2 });
      runners.push(runner);
      const registry = new ModelRegistry(store);
      const classifier = await registry.load('m', 'v1');

      const etl: EtlJobSpec = {
        kind: 'etl',
        batchId,
        inputKeys: staged.map((_, s) => layout.staged(batchId, s)),
        outputKeys: staged.map((_, s) => layout.processed(batchId, s)),
        textOptions: { language: 'en', keepNegations: true, stem: true },
      };
      await store.put(jobSpecKey(batchId, 'etl'), JSON.stringify(etl));
      assert.deepEqual(await waitForEnd(runner, await runner.submit(etl, `${batchId}-etl`)), { state: 'succeeded' });

      // The ETL job writes compact v2 lines (token lists folded into strings), as the in-worker stage does.
      for (let s = 0; s < 2; s++) {
        const lines = (await store.get(layout.processed(batchId, s))).toString('utf8').trim().split('\n');
        assert.ok(lines.every((line) => line.startsWith('{"v":2,') && !line.includes('"tokens"')));
      }
      // Shard 2 as an earlier Glue job would have written it (v1 lists): no stems, no sentiment, raw text kept.
      const glueShaped = readProcessedShard(await store.get(layout.processed(batchId, 2)), 'p2').map(
        ({ stems: _s, sentiment: _t, ...rest }, i) => ({
          ...rest,
          text: staged[2][i].title ? `${staged[2][i].title}\n${staged[2][i].body}` : staged[2][i].body,
        }),
      );
      await store.put(layout.processed(batchId, 2), toJsonl(glueShaped));

      const spec = scoringSpec(batchId, 3);
      await store.put(jobSpecKey(batchId, 'scoring'), JSON.stringify(spec));
      assert.deepEqual(await waitForEnd(runner, await runner.submit(spec, `${batchId}-scoring`)), { state: 'succeeded' });

      for (const [s, records] of staged.entries()) {
        const expected = records.map((r): ProcessedRecord => {
          const c = cleanDocument({ title: r.title, body: r.body }, classifier.config.text);
          return {
            id: r.id,
            source: r.source,
            label: r.label,
            text_clean: c.textClean,
            tokens: c.tokens,
            tokens_nostop: c.tokensNoStop,
            stems: c.stems,
            sentiment: c.sentiment,
            language: c.language,
          };
        });
        const { results, predictedCounts } = scoreRecords(expected, classifier, 'v1');
        const part = await store.get(layout.resultPart(batchId, s));
        assert.equal(part.toString('utf8'), toJsonl(results), `shard ${s} matches in-worker scoring`);
        assert.deepEqual(await readScoringSummary(store, layout.resultPart(batchId, s)), {
          rows: records.length,
          sha256: createHash('sha256').update(part).digest('hex'),
          predictedCounts,
        });
      }

      // A rerun of the same spec (a retried activity after a restart) rewrites the same keys.
      assert.deepEqual(await waitForEnd(runner, await runner.submit(spec, `${batchId}-scoring-rerun`)), { state: 'succeeded' });
      const keys: string[] = [];
      for await (const o of store.list(layout.resultsPrefix(batchId))) keys.push(o.key);
      assert.deepEqual(
        keys,
        [0, 1, 2].flatMap((s) => [layout.resultPart(batchId, s), layout.resultPart(batchId, s).replace('.jsonl', '.summary.json')]).sort(),
      );
    });

    it('the entrypoint exits 2 with one stderr line for input that cannot succeed', async function () {
      this.timeout(60_000);
      const spec = scoringSpec(batchId, 1);
      await store.put(jobSpecKey(batchId, 'scoring'), JSON.stringify({ ...spec, modelVersion: 'v9' }));
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{}, /^batch-entrypoint: PermanentTaskError: SPEC_KEY is not set$/],
        [{ SPEC_KEY: jobSpecKey(batchId, 'scoring'), AWS_BATCH_JOB_ARRAY_INDEX: '1' }, /array index 1 is outside the spec's 1 shard/],
        [
          { SPEC_KEY: jobSpecKey(batchId, 'scoring') },
          /^batch-entrypoint: ModelArtifactError: models\/m\/v9\/(config|preprocessor|model).json: artifact is missing$/,
        ],
        [{ SPEC_KEY: 'jobs/none/scoring.json' }, /ObjectNotFoundError: object not found: jobs\/none\/scoring.json/],
      ];
      for (const [extra, pattern] of cases) {
        const base = { ...process.env, ...env };
        delete base.SPEC_KEY;
        const out = spawnSync(process.execPath, [entrypoints.scoring], { env: { ...base, ...extra }, encoding: 'utf8' });
        assert.equal(out.status, 2, out.stderr);
        const lines = out.stderr.trim().split('\n');
        assert.equal(lines.length, 1);
        assert.match(lines[0], pattern);
      }
    });
  });
});

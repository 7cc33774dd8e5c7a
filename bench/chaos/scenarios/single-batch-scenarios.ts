import type { IngestProgressV1 } from '../../../src/contracts/ingest-batch';
import { layout } from '../../../src/pipeline/layout';
import type { Scenario } from '../scenario';
import { describeProgress, runSingleBatch, type BatchUnderTest } from './single-batch';

/**
 * Waits until a seeded fraction (15..60 %) of the batch's shards is done: mid-batch whatever the
 * batch's speed. False when the batch finished first.
 */
async function untilMidBatch(batch: BatchUnderTest): Promise<boolean> {
  const fraction = 0.15 + 0.45 * batch.random();
  for (;;) {
    const p = await batch.progress();
    if (p && p.shards.total > 0 && p.shards.done >= fraction * p.shards.total && p.phase === 'processing') return true;
    if (!(await batch.wait(250))) return false;
  }
}

/** Generous: a stalled batch is reported, never waited for forever. */
const deadline = (estimateSeconds: number, extraSeconds: number) => Math.round(300 + 6 * estimateSeconds + extraSeconds);
const s = (seconds: number) => `${seconds.toFixed(1)} s`;

export const reference: Scenario = {
  name: 'reference',
  summary: 'one batch, one worker, nothing injected: the results every other scenario must equal',
  run: (env, estimate) =>
    runSingleBatch(env, { scenario: 'reference', workers: 1, store: 'fs', deadlineSeconds: deadline(estimate, 0) }, estimate),
};

/**
 * SIGKILLs the worker `kills` times at seeded random moments, restarting it each time. With
 * `afterProgress`, each kill after the first waits until the restarted worker has moved the batch
 * on (a shard finished since the previous kill), so every kill interrupts work in flight rather than
 * a worker idling while the server times the lost activities out (a heartbeat timeout, 1 min).
 */
export function workerSigkill(kills: number, afterProgress = true): Scenario {
  const position = (p: IngestProgressV1 | undefined) => (p ? `${p.phase}:${p.rows.done}:${p.shards.done}` : '');
  return {
    name: 'worker-sigkill',
    summary: `the worker SIGKILLed ${kills} times at seeded random moments${afterProgress ? ' while it works' : ''}, restarted each time`,
    run: (env, estimate) =>
      runSingleBatch(
        env,
        {
          scenario: 'worker-sigkill',
          workers: 1,
          store: 'fs',
          deadlineSeconds: deadline(estimate, kills * 120),
          disrupt: async (batch: BatchUnderTest) => {
            let done = 0;
            let killedAt = '';
            for (let k = 1; k <= kills; k++) {
              if (k > 1 && afterProgress) {
                let moved = false;
                while (!moved) {
                  moved = position(await batch.progress()) !== killedAt;
                  if (!moved && !(await batch.wait(500))) break;
                }
                if (!moved) break;
              }
              const scale = k === 1 || !afterProgress ? 0.05 + 0.3 * batch.random() : 0.15 * batch.random();
              if (!(await batch.wait(scale * batch.estimateSeconds * 1000))) break;
              const at = batch.elapsed();
              const progress = await batch.progress();
              killedAt = position(progress);
              await batch.workers[0].kill();
              await batch.workers[0].start();
              done++;
              batch.notes.push(`kill ${k} at ${s(at)} (${describeProgress(progress)}), polling again at ${s(batch.elapsed())}`);
            }
            if (done < kills) batch.notes.push(`the batch finished after ${done} of ${kills} kills`);
          },
        },
        estimate,
      ),
  };
}

export const serverSigkill: Scenario = {
  name: 'server-sigkill',
  summary: 'the dev server SIGKILLed mid-batch and restarted on the same SQLite file and port',
  run: (env, estimate) =>
    runSingleBatch(
      env,
      {
        scenario: 'server-sigkill',
        workers: 1,
        store: 'fs',
        ownServer: true,
        deadlineSeconds: deadline(estimate, 180),
        disrupt: async (batch) => {
          if (!(await untilMidBatch(batch))) {
            batch.notes.push('the batch finished before the server was killed');
            return;
          }
          const progress = await batch.progress();
          const at = batch.elapsed();
          await batch.server.kill();
          const down = 3000 + Math.round(5000 * batch.random());
          await new Promise((resolve) => setTimeout(resolve, down));
          await batch.server.restart();
          batch.notes.push(
            `server killed at ${s(at)} (${describeProgress(progress)}), down ${s(down / 1000)}, answering again at ${s(batch.elapsed())}`,
          );
        },
      },
      estimate,
    ),
};

export const twoWorkers: Scenario = {
  name: 'two-workers',
  summary: 'two workers on the task queue, one SIGKILLed mid-batch and not restarted',
  run: (env, estimate) =>
    runSingleBatch(
      env,
      {
        scenario: 'two-workers',
        workers: 2,
        store: 'fs',
        deadlineSeconds: deadline(estimate, 120),
        disrupt: async (batch) => {
          if (!(await untilMidBatch(batch))) {
            batch.notes.push('the batch finished before a worker was killed');
            return;
          }
          const victim = batch.random() < 0.5 ? 0 : 1;
          const progress = await batch.progress();
          const at = batch.elapsed();
          await batch.workers[victim].kill();
          batch.notes.push(
            `worker-${victim + 1} killed at ${s(at)} (${describeProgress(progress)}); worker-${2 - victim} carries on alone`,
          );
        },
      },
      estimate,
    ),
};

export const S3_FAULT_WINDOW_MS = 30_000;

export const s3Faults: Scenario = {
  name: 's3-faults',
  summary: `STORE=s3 through a fault proxy answering 500/503/SlowDown to every request for ${S3_FAULT_WINDOW_MS / 1000} s mid-batch`,
  run: (env, estimate) =>
    runSingleBatch(
      env,
      {
        scenario: 's3-faults',
        workers: 1,
        store: 's3-via-proxy',
        deadlineSeconds: deadline(estimate, S3_FAULT_WINDOW_MS / 1000 + 300),
        disrupt: async (batch) => {
          // Mid-batch: once shards are being scored, plus a seeded delay.
          for (;;) {
            const p = await batch.progress();
            if (p && p.shards.done > 0) break;
            if (!(await batch.wait(250))) {
              batch.notes.push('the batch finished before the fault window');
              return;
            }
          }
          if (!(await batch.wait(Math.round(2000 * batch.random())))) return;
          const progress = await batch.progress();
          const at = batch.elapsed();
          batch.proxy?.faultFor(S3_FAULT_WINDOW_MS);
          batch.notes.push(
            `S3 answered only 500/503/SlowDown from ${s(at)} to ${s(at + S3_FAULT_WINDOW_MS / 1000)} (${describeProgress(progress)})`,
          );
        },
      },
      estimate,
    ),
};

/** Short on purpose: a permanent error must fail the batch, not retry for hours. */
export const ACCESS_DENIED_DEADLINE_SECONDS = 420;

export const s3AccessDenied: Scenario = {
  name: 's3-access-denied',
  summary:
    "S3 answers AccessDenied to every request under the batch's results prefix (batches/<id>/results/): a typed failure, an alert, nothing partial presented as a result",
  run: (env, estimate) =>
    runSingleBatch(
      env,
      {
        scenario: 's3-access-denied',
        workers: 1,
        store: 's3-via-proxy',
        deadlineSeconds: Math.round(ACCESS_DENIED_DEADLINE_SECONDS + 2 * estimate),
        expectFailure: /AccessDenied/,
        prepare: ({ proxy, bucket, prefix, batchId }) => {
          // The batch's own result parts (what scoring writes and export reads), not the lake's
          // Parquet copy under results/, which is bookkeeping written after the batch's outcome.
          const denied = `/${bucket}/${prefix}/${layout.resultsPrefix(batchId)}`;
          proxy?.deny((r) => r.path.startsWith(denied));
        },
      },
      estimate,
    ),
};

import { createReadStream } from 'node:fs';
import path from 'node:path';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import { awaitBatch, exportBatch, startBatch, strayResultObjects, summarizeStatuses, terminateQuietly } from '../batch';
import { idsOf } from '../corpus';
import { newRow, type Scenario } from '../scenario';
import { account, readExportedResults } from '../verify';

/**
 * The corpus split into `batches` files, one batch each, all started at once (one `nlp-batch
 * ingest` process per batch, in parallel) against a single worker. Each batch must reconcile on
 * its own file's ids, and together they must equal the reference.
 */
export function concurrentBatches(batches: number): Scenario {
  const name = 'concurrent-batches';
  return {
    name,
    summary: `the corpus split into ${batches} files, ${batches} batches started at once against one worker`,
    async run(env, estimate) {
      const row = newRow(name, env.docs);
      const parts = env.corpus.splits[String(batches)];
      if (!parts) throw new Error(`the corpus has no ${batches}-way split`);
      const dataDir = path.join(env.settings.dir, name);
      const workerEnv = env.fsEnv(`chaos-${name}`, dataDir);
      const store = new FsObjectStore(env.storeRoot);
      const keys = parts.map((p) => `raw/chaos/split-${batches}/${path.basename(p.file)}`);
      for (let i = 0; i < parts.length; i++) await store.putStream(keys[i], createReadStream(parts[i].file));
      const worker = env.worker('worker-1', workerEnv, dataDir);
      try {
        await worker.start();
        const started = Date.now();
        const batchIds = parts.map((_, i) => `${name}-${String(i + 1).padStart(2, '0')}-${env.runId}`);
        const retries: string[] = [];
        const workflowIds = await Promise.all(batchIds.map((id, i) => startBatch(env, workerEnv, id, [keys[i]], retries)));
        row.notes.push(
          `${batches} nlp-batch ingest processes started at once, all batches started within ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        if (retries.length > 0)
          row.notes.push(`${retries.length} ingest command(s) could not connect and were run again, e.g. ${retries[0]}`);
        const deadline = started + (300 + 8 * estimate) * 1000;
        const outcomes = await Promise.all(workflowIds.map((id) => awaitBatch(env.client, id, deadline)));
        row.seconds = (Date.now() - started) / 1000;
        row.status = summarizeStatuses(outcomes.map((o) => o.status));
        for (const o of outcomes) {
          if (o.status === 'STILL_RUNNING') await terminateQuietly(env.client, o.workflowId, 'chaos: scenario deadline');
          if (o.status !== 'COMPLETED') row.problems.push(`${o.workflowId} ended ${o.status} ${o.failureTypes.join(' <- ')}`.trim());
        }

        const files: string[] = [];
        for (let i = 0; i < parts.length; i++) {
          const file = path.join(dataDir, `export-${i + 1}.jsonl`);
          const exported = await exportBatch(env, workerEnv, batchIds[i], file);
          if (!exported.results) {
            row.problems.push(`export of ${batchIds[i]} refused: ${exported.error}`);
            continue;
          }
          files.push(file);
          const strays = await strayResultObjects(store, batchIds[i]);
          if (strays.length > 0) row.problems.push(`${batchIds[i]}: ${strays.length} result objects outside the manifest`);
          const own = account(exported.results, idsOf(parts[i]));
          if (own.missing || own.duplicated || own.unexpected)
            row.problems.push(
              `${batchIds[i]} does not reconcile: ${own.missing} missing, ${own.duplicated} duplicated, ${own.unexpected} foreign`,
            );
        }
        const all = account(await readExportedResults(files), idsOf({ first: 0, count: env.docs }));
        row.missing = all.missing;
        row.duplicated = all.duplicated;
        row.sha256 = all.sha256;
        return row;
      } finally {
        if (worker.failedStarts.length > 0)
          row.notes.push(`${worker.name} exited before polling and was started again: ${worker.failedStarts.join('; ')}`);
        await worker.stop();
      }
    },
  };
}

import { SingleBar } from 'cli-progress';
import type { WorkflowHandle } from '@temporalio/client';
import type { IngestProgressV1 } from '../contracts/ingest-batch';
import { ingestQueries } from '../contracts/ingest-batch';
import type { ingestBatch } from '../workflows/ingest-batch';

/**
 * Waits for an ingestBatch result while drawing a progress bar on stderr, fed by the workflow's
 * progress query (stdout stays clean for `--json`). Without a TTY it prints a line per phase.
 */
export async function waitWithProgress(handle: WorkflowHandle<typeof ingestBatch>, stream: NodeJS.WriteStream = process.stderr) {
  const result = handle.result();
  let settled = false;
  void result.then(
    () => (settled = true),
    () => (settled = true),
  );
  const bar = stream.isTTY
    ? new SingleBar({
        stream,
        format: ' {phase} |{bar}| {value}/{total} rows | shards {shardsDone}/{shardsTotal} | {eta_formatted}',
        hideCursor: true,
      })
    : undefined;
  let started = false;
  let lastPhase = '';
  while (!settled) {
    const progress = await handle.query<IngestProgressV1>(ingestQueries.progress).catch(() => undefined);
    if (progress) {
      const payload = { phase: progress.phase.padEnd(17), shardsDone: progress.shards.done, shardsTotal: progress.shards.total };
      if (bar) {
        if (!started) bar.start(Math.max(progress.rows.total, 1), progress.rows.done, payload);
        bar.setTotal(Math.max(progress.rows.total, 1));
        bar.update(progress.rows.done, payload);
        started = true;
      } else if (progress.phase !== lastPhase) {
        stream.write(
          `${progress.phase}: ${progress.rows.done}/${progress.rows.total} rows, ${progress.shards.done}/${progress.shards.total} shards\n`,
        );
      }
      lastPhase = progress.phase;
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
  }
  bar?.stop();
  return result;
}

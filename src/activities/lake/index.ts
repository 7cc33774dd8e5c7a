import { ApplicationFailure, Context } from '@temporalio/activity';
import { readBatchManifest } from '../../lake/manifest';
import { ResultPartConverter } from '../../lake/jsonl-to-parquet';
import { layout, shardIndexOf, type LakePartition } from '../../pipeline/layout';
import type { ObjectStore } from '../../storage/object-store';
import { inParallel } from '../../util/in-parallel';

export const lakeFailureTypes = {
  /** A Parquet part does not hold the rows its JSON Lines part has: never retried, the data is wrong. */
  rowMismatch: 'LakeRowMismatch',
} as const;

export interface WriteResultsParquetInput {
  batchId: string;
}

/** `batches/<batchId>/lake.json`: where the batch's Parquet parts are, and their rows. */
export interface LakeIndexV1 {
  schemaVersion: 1;
  batchId: string;
  partition: LakePartition;
  prefix: string;
  parts: Array<{ key: string; rows: number; bytes: number; from: string }>;
  rows: number;
  writtenAt: string;
}

export const lakeIndexKey = (batchId: string) => `${layout.batchPrefix(batchId)}lake.json`;

/** Result parts converted at once, each by its own single-threaded DuckDB engine. */
export const LAKE_CONVERSION_CONCURRENCY = 2;

type LakePart = LakeIndexV1['parts'][number];

/**
 * The data lake's side of a finished batch: each JSON Lines result part listed in the manifest
 * becomes a Parquet part (ZSTD) in the batch's Hive partition, with the part's shard number, so a
 * retry overwrites instead of adding files. Runs once per batch after finalisation, when the
 * shards no longer use the cores, so parts are converted LAKE_CONVERSION_CONCURRENCY at a time.
 * Heartbeats list the parts done (in whatever order they finished): a retried attempt converts
 * only the others.
 */
export function createLakeActivities(store: ObjectStore, concurrency = LAKE_CONVERSION_CONCURRENCY) {
  return {
    async writeResultsParquet({ batchId }: WriteResultsParquetInput): Promise<{ indexKey: string; rows: number; parts: number }> {
      const context = Context.current();
      const manifest = await readBatchManifest(store, batchId);
      const partition: LakePartition = { modelName: manifest.model.name, dt: manifest.timings.startedAt.slice(0, 10), batchId };
      const done = new Map<string, LakePart>();
      for (const part of (context.info.heartbeatDetails as { parts?: LakePart[] } | undefined)?.parts ?? []) done.set(part.from, part);
      const pending = manifest.parts.map((part, i) => ({ part, i })).filter(({ part }) => !done.has(part.key));
      const convert = async (converter: ResultPartConverter, { part, i }: (typeof pending)[number]): Promise<void> => {
        const { parquet, rows } = await converter.convert(await store.get(part.key));
        if (rows !== part.rows) {
          throw ApplicationFailure.create({
            type: lakeFailureTypes.rowMismatch,
            nonRetryable: true,
            message: `${part.key}: ${rows} rows read, the manifest says ${part.rows}`,
          });
        }
        const key = layout.lakePart(partition, shardIndexOf(part.key) ?? i);
        await store.put(key, parquet, { contentType: 'application/vnd.apache.parquet' });
        done.set(part.key, { key, rows, bytes: parquet.length, from: part.key });
        context.heartbeat({ parts: [...done.values()] });
      };
      await inParallel(
        pending,
        Math.min(concurrency, pending.length),
        () => ResultPartConverter.open(),
        convert,
        (c) => c.close(),
      );
      // In the manifest's order, however the conversions interleaved.
      const parts = manifest.parts.map((part) => done.get(part.key) as LakePart);
      const index: LakeIndexV1 = {
        schemaVersion: 1,
        batchId,
        partition,
        prefix: layout.lakePartition(partition),
        parts,
        rows: parts.reduce((s, p) => s + p.rows, 0),
        writtenAt: new Date().toISOString(),
      };
      const indexKey = lakeIndexKey(batchId);
      await store.put(indexKey, JSON.stringify(index, null, 2) + '\n', { contentType: 'application/json' });
      return { indexKey, rows: index.rows, parts: parts.length };
    },
  };
}

export type LakeActivities = ReturnType<typeof createLakeActivities>;

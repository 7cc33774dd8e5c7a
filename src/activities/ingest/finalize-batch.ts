import { ApplicationFailure, Context } from '@temporalio/activity';
import { ingestFailureTypes, MAX_REJECTED_FILES_IN_RESULT, type RejectedFileV1 } from '../../contracts/ingest-batch';
import { batchLayout, layout } from '../../pipeline/layout';
import { readShardSummary } from '../../pipeline/shard-summary';
import type { ObjectStore } from '../../storage/object-store';
import type { RangePartV1, RangeSummaryV1 } from './summarize';
import type { FinalizeBatchInput, FinalizeBatchOutput, SourceSummaryV1 } from './types';

export const MANIFEST_SCHEMA_VERSION = 2;

/** Lists and reads the JSON summaries under a prefix, in key order. */
export async function* readSummaries<T>(store: ObjectStore, prefix: string): AsyncGenerator<T> {
  for await (const object of store.list(prefix)) {
    if (!object.key.endsWith('.json')) continue;
    yield JSON.parse((await store.get(object.key)).toString('utf8')) as T;
  }
}

/**
 * Writes the batch's manifest (`batches/<batchId>/manifest.json`): what went in, what came out, and how to verify it. Everything comes
 * from the source and range summaries the stages left in the store, read by prefix, and is checked against the
 * totals the workflow reconciled: a missing or extra summary fails the batch instead of writing a
 * manifest that does not add up.
 */
export function createFinalizeBatch(store: ObjectStore) {
  return async function finalizeBatch(input: FinalizeBatchInput): Promise<FinalizeBatchOutput> {
    const { batchId, model, expected } = input;
    const context = Context.current();
    const sources: SourceSummaryV1[] = [];
    for await (const s of readSummaries<SourceSummaryV1>(store, batchLayout.sourceSummariesPrefix(batchId))) sources.push(s);
    const rejectedFiles: RejectedFileV1[] = sources.flatMap((s) => (s.rejected ? [s.rejected] : []));
    const accepted = sources.filter((s) => !s.rejected);

    // The range summaries list their shards' result parts: a few reads instead of one per shard
    // (each shard summary also carries its statistics and profile, which finalisation does not need).
    let parts: RangePartV1[] = [];
    let scored = 0;
    let listed = true;
    for await (const range of readSummaries<RangeSummaryV1>(store, batchLayout.rangeSummariesPrefix(batchId))) {
      scored += range.scored;
      // A range summarised by a release before the parts were listed (a rolling deploy mid-batch).
      if (!Array.isArray(range.parts)) listed = false;
      else parts.push(...range.parts);
      context.heartbeat({ parts: parts.length });
    }
    if (!listed) ({ parts, scored } = await partsFromShardSummaries(store, batchId, context));
    parts.sort((a, b) => a.shard - b.shard);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const counts = {
      inputRows: sum(accepted.map((s) => s.inputRows)),
      scored,
      quarantined: sum(accepted.map((s) => s.quarantined)),
      rejectedFiles: rejectedFiles.length,
    };
    const found = { ...counts, shards: parts.length, sources: sources.length };
    const mismatch = (['inputRows', 'scored', 'quarantined', 'shards', 'sources'] as const).filter((k) => found[k] !== expected[k]);
    if (mismatch.length > 0) {
      throw ApplicationFailure.create({
        type: ingestFailureTypes.reconciliationFailed,
        nonRetryable: true,
        message: `batch ${batchId}: the summaries in the store do not match the workflow's totals (${mismatch
          .map((k) => `${k} ${found[k]} != ${expected[k]}`)
          .join(', ')})`,
      });
    }

    const finishedAt = new Date();
    const manifest = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      batchId,
      model: { name: model.modelName, version: model.modelVersion },
      store: store.location,
      counts,
      timings: {
        startedAt: input.startedAt,
        finishedAt: finishedAt.toISOString(),
        durationSeconds: (finishedAt.getTime() - Date.parse(input.startedAt)) / 1000,
      },
      sources: accepted.map((s) => ({
        key: s.sourceKey,
        format: s.format,
        inputRows: s.inputRows,
        accepted: s.accepted,
        quarantined: s.quarantined,
        quarantineReasons: s.quarantineReasons,
        quarantineKey: s.quarantineKey,
        shards: s.shards.length,
      })),
      rejectedFiles,
      shardSummariesPrefix: batchLayout.shardSummariesPrefix(batchId),
      parts: parts.map((p) => ({ key: p.key, rows: p.rows, sha256: p.sha256 })),
    };
    const manifestKey = layout.manifest(batchId);
    await store.put(manifestKey, JSON.stringify(manifest, null, 1) + '\n', { contentType: 'application/json' });
    return {
      manifestKey,
      resultParts: parts.length,
      quarantineFiles: accepted.filter((s) => s.quarantineKey).length,
      rejectedFiles: rejectedFiles.slice(0, MAX_REJECTED_FILES_IN_RESULT),
      rejectedFileCount: rejectedFiles.length,
    };
  };
}

/** Every shard summary of the batch, read one by one: what finalisation did before ranges listed their parts. */
async function partsFromShardSummaries(
  store: ObjectStore,
  batchId: string,
  context: Context,
): Promise<{ parts: RangePartV1[]; scored: number }> {
  const parts: RangePartV1[] = [];
  let scored = 0;
  for await (const object of store.list(batchLayout.shardSummariesPrefix(batchId))) {
    if (!object.key.endsWith('.json')) continue;
    const shard = await readShardSummary(store, object.key);
    scored += shard.scored;
    if (shard.resultKey) parts.push({ shard: shard.index, key: shard.resultKey, rows: shard.scored, sha256: shard.sha256 });
    if (parts.length % 500 === 0) context.heartbeat({ parts: parts.length });
  }
  return { parts, scored };
}

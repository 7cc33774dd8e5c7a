import { ApplicationFailure, Context } from '@temporalio/activity';
import { ingestFailureTypes, ingestSignals, type ShardsStagedSignalV1 } from '../../contracts/ingest-batch';
import { batchLayout, layout } from '../../pipeline/layout';
import { toJsonl } from '../../pipeline/jsonl';
import type { QuarantineRecord, StagedRecord } from '../../pipeline/records';
import { openInput } from '../../pipeline/read-input';
import { asRejectedFile } from '../../pipeline/rejected-file';
import type { ObjectStore } from '../../storage/object-store';
import type { PrepareSourceInput, PrepareSourceOutput, SourceSummaryV1 } from './types';

/** A long file's staged shards are announced at least this often (see shouldAnnounce). */
const ANNOUNCE_AT_LEAST_EVERY_MS = 30_000;

/** The first shards of a file are announced one by one, at once: enough to fill a worker's CPU slots. */
const EAGER_ANNOUNCEMENTS = 4;

/**
 * Whether a file's staged shards should be announced to the workflow now. The first
 * EAGER_ANNOUNCEMENTS shards at once, each: a CPU slot that waits for the next announcement idles
 * while the file is read (a second pool thread waited 0.3-0.4 s at the start of every batch). Then
 * at most every `everyMs`, and only once the staged shards doubled or ANNOUNCE_AT_LEAST_EVERY_MS
 * passed: by then the slots are full, and a file of a hundred million rows sends a few hundred
 * signals over its hours instead of one per shard.
 */
export function shouldAnnounce(staged: number, announced: number, msSinceLast: number, everyMs: number): boolean {
  if (staged <= announced) return false;
  if (announced < EAGER_ANNOUNCEMENTS) return true;
  return msSinceLast >= everyMs && (staged >= 2 * announced || msSinceLast >= ANNOUNCE_AT_LEAST_EVERY_MS);
}

/**
 * Streams one input file, validates every row and writes the good ones as staged shards and the bad
 * ones to quarantine with their reason. A file that cannot be read at all (binary, empty, no text
 * column, a bad key) is reported as rejected instead of failing the batch, so one bad upload does
 * not sink the others; the workflow fails loudly when no file is usable. Shard keys are derived
 * from the batch, the source and the shard's number within it, so files can be prepared in
 * parallel and a retried attempt overwrites rather than duplicates. The full account (shard keys,
 * quarantine reasons) goes to the source's summary in the store; the workflow gets counts only.
 */
export function createPrepareSource(store: ObjectStore) {
  return async function prepareSource(input: PrepareSourceInput): Promise<PrepareSourceOutput> {
    const { batchId, source, sourceIndex } = input;
    const context = Context.current();
    const shards: SourceSummaryV1['shards'] = [];
    let announced = 0;
    let announcedAt = 0;
    try {
      const { format, compression, rows } = await openInput(store, source.key, {
        format: source.format,
        delimiter: source.delimiter,
        columns: input.columns,
        maxRecordBytes: input.maxRecordBytes,
      });

      let shard: StagedRecord[] = [];
      const quarantine: QuarantineRecord[] = [];
      const quarantineReasons: Record<string, number> = {};
      let inputRows = 0;
      let accepted = 0;
      let labelled = 0;

      // Large files: the workflow hears of staged shards while the rest is read, so cleaning and
      // scoring overlap with reading (the first shard at once).
      const announce = async () => {
        const { workflowExecution } = context.info;
        // A gzip stream can still turn out truncated after shards were staged, which rejects the file
        // (its staged shards are removed): its shards are announced only once it was read whole.
        if (input.announceEveryMs === undefined || compression !== null || !workflowExecution) return;
        if (!shouldAnnounce(shards.length, announced, Date.now() - announcedAt, input.announceEveryMs)) return;
        announced = shards.length;
        announcedAt = Date.now();
        const staged: ShardsStagedSignalV1 = { sourceIndex, shards: announced };
        await context.client.workflow
          .getHandle(workflowExecution.workflowId, workflowExecution.runId)
          .signal(ingestSignals.shardsStaged, staged)
          .catch((err: unknown) => context.log.warn('could not announce staged shards', { error: String(err) }));
      };
      const flush = async () => {
        if (shard.length === 0) return;
        const local = shards.length;
        const key = batchLayout.stagedShard(batchId, sourceIndex, local);
        await store.put(key, toJsonl(shard));
        shards.push({ local, key, rows: shard.length });
        shard = [];
        await announce();
      };

      for await (const row of rows) {
        inputRows++;
        if (row.ok) {
          const { record } = row;
          accepted++;
          if (record.label !== null) labelled++;
          shard.push({
            id: record.id ?? `${source.key}:${record.line}`,
            source: { key: source.key, line: record.line },
            title: record.title,
            body: record.body,
            label: record.label,
          });
          if (shard.length >= input.shardSize) await flush();
        } else {
          const { rejected } = row;
          quarantineReasons[rejected.reason] = (quarantineReasons[rejected.reason] ?? 0) + 1;
          quarantine.push({
            source: { key: source.key, line: rejected.line, endLine: rejected.endLine },
            reason: rejected.reason,
            detail: rejected.detail,
            preview: rejected.preview,
          });
        }
        if (inputRows % 1000 === 0) context.heartbeat({ inputRows });
      }
      await flush();

      let quarantineKey: string | undefined;
      if (quarantine.length > 0) {
        quarantineKey = layout.quarantine(batchId, sourceIndex);
        await store.put(quarantineKey, toJsonl(quarantine));
      }
      const summaryKey = batchLayout.sourceSummary(batchId, sourceIndex);
      const summary: SourceSummaryV1 = {
        schemaVersion: 1,
        batchId,
        sourceIndex,
        sourceKey: source.key,
        format,
        inputRows,
        accepted,
        labelled,
        quarantined: quarantine.length,
        quarantineKey: quarantineKey ?? null,
        quarantineReasons,
        shards,
        rejected: null,
      };
      await store.put(summaryKey, JSON.stringify(summary), { contentType: 'application/json' });
      return {
        ok: true,
        sourceIndex,
        sourceKey: source.key,
        format,
        inputRows,
        accepted,
        labelled,
        quarantined: quarantine.length,
        shards: shards.length,
        summaryKey,
      };
    } catch (err) {
      const rejected = asRejectedFile(source.key, err);
      if (!rejected) throw err; // infrastructure trouble: let Temporal retry with backoff
      if (announced > 0) {
        // Shards of this file are already being scored: refusing it now would break the batch's
        // accounting, so the batch fails loudly instead.
        throw ApplicationFailure.create({
          type: ingestFailureTypes.invalidInputFile,
          nonRetryable: true,
          message: `${source.key}: ${rejected.message} (after part of it was staged)`,
        });
      }
      // A file can turn out unreadable after some of its rows were staged (a truncated gzip
      // stream): those shards belong to no prepared source, so nothing may read them later
      // (training reads staged/ by prefix).
      for (const staged of shards) await store.delete(staged.key);
      await store.put(layout.rejectedFile(batchId, sourceIndex), JSON.stringify(rejected, null, 2) + '\n');
      const summary: SourceSummaryV1 = {
        schemaVersion: 1,
        batchId,
        sourceIndex,
        sourceKey: source.key,
        format: null,
        inputRows: 0,
        accepted: 0,
        labelled: 0,
        quarantined: 0,
        quarantineKey: null,
        quarantineReasons: {},
        shards: [],
        rejected,
      };
      await store.put(batchLayout.sourceSummary(batchId, sourceIndex), JSON.stringify(summary), { contentType: 'application/json' });
      return { ok: false, rejected };
    }
  };
}

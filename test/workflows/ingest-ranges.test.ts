import assert from 'node:assert/strict';
import { MockActivityEnvironment, TestWorkflowEnvironment } from '@temporalio/testing';
import type { temporal } from '@temporalio/proto';
import { createDriftActivities } from '../../src/activities/drift';
import type { BatchStatisticsDocumentV1, BatchStatisticsDocumentV2 } from '../../src/activities/drift/types';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import type { IngestBatchResultV2, IngestOptionsV1, SourceRefV1 } from '../../src/contracts/ingest-batch';
import { allSearchAttributes } from '../../src/contracts/search-attributes';
import { driftKeys } from '../../src/drift';
import { toJsonl } from '../../src/pipeline/jsonl';
import { layout } from '../../src/pipeline/layout';
import type { BatchProfileV1 } from '../../src/reports/profile';
import { venvBin } from '../../src/util/repo-root';
import { createPipelineWorker, type PipelineWorker } from '../../src/workers/pipeline-worker';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { ingestShardRange } from '../../src/workflows/ingest-shard-range';
import { readResultRecords, resultPartKeys } from '../helpers/batch-results';
import { testCodecPlugin, testDataConverter } from '../helpers/codec';
import { sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { pipelineFixture, workflowBundle, type PipelineFixture } from '../helpers/temporal-env';

const settings = loadSettings({});
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Size of every payload in an event, the largest first. */
function payloadSizes(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(payloadSizes);
  if (typeof value !== 'object' || value === null) return [];
  const o = value as { metadata?: unknown; data?: Uint8Array };
  const own = o.metadata && o.data instanceof Uint8Array ? [o.data.length] : [];
  return own.concat(Object.entries(o).flatMap(([k, v]) => (k === 'metadata' || k === 'data' ? [] : payloadSizes(v))));
}

function historyFigures(events: HistoryEvent[]) {
  const sizes = events.flatMap((e) => payloadSizes(e));
  return { events: events.length, largestPayload: Math.max(0, ...sizes), payloadBytes: sizes.reduce((a, b) => a + b, 0) };
}

function jsonlRows(count: number, offset: number): string {
  return toJsonl(
    sampleMessages(count, offset).map((m, i) => ({ id: `r${offset + i}`, title: m.subject, text: m.body.slice(0, 300), label: m.label })),
  );
}

describe('ingestBatch over shard ranges (child workflows) on a real Temporal server', function () {
  this.timeout(180_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'spam');
    worker = await fx.newWorker();
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    fx.cleanup();
  });

  let counter = 0;
  async function ingest(sources: SourceRefV1[], overrides: Partial<IngestOptionsV1>) {
    const batchId = `r${Date.now()}-${counter++}`;
    const handle = await fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        { version: 1, batchId, modelName: 'spam', sources, options: ingestOptions(settings, { driftCheckEveryBatches: 0, ...overrides }) },
      ],
    });
    return { handle, result: await handle.result() };
  }

  it('spreads 300 shards over children of 10; the parent history grows with the children, not the shards', async () => {
    await fx.deps.store.put('raw/ranges/a.jsonl', jsonlRows(600, 0));
    await fx.deps.store.put('raw/ranges/b.jsonl', jsonlRows(300, 600));
    const { handle, result } = await ingest([{ key: 'raw/ranges/a.jsonl' }, { key: 'raw/ranges/b.jsonl' }], {
      shardSize: 3,
      rangeShards: 10,
      parallelism: 4,
      rangeConcurrency: 4,
    });
    assert.equal(result.version, 2);
    assert.equal(result.inputRows, 900);
    assert.equal(result.scored + result.quarantined, result.inputRows);
    assert.equal(result.resultParts, 300);
    // Ranges of at most 10 (fewer when one starts on a free slot before it is full).
    assert.ok(result.shardRanges >= 30 && result.shardRanges <= 60, `${result.shardRanges} ranges`);

    // Every row once, in the parts the manifest lists.
    const ids = (await readResultRecords(fx.deps.store, result)).map((r) => r.id);
    assert.equal(ids.length, result.scored);
    assert.equal(new Set(ids).size, ids.length);
    let summaries = 0;
    for await (const o of fx.deps.store.list(result.shardSummariesPrefix)) if (o.key.endsWith('.json')) summaries++;
    assert.equal(summaries, 300);

    const parent = historyFigures((await handle.fetchHistory()).events ?? []);
    const children: Array<ReturnType<typeof historyFigures>> = [];
    for (let range = 0; range < result.shardRanges; range++) {
      const id = `${handle.workflowId}-range-${String(range).padStart(4, '0')}`;
      children.push(historyFigures((await fx.env.client.workflow.getHandle(id).fetchHistory()).events ?? []));
    }
    const largestChild = children.reduce((a, b) => (b.events > a.events ? b : a));
    console.log(
      `      300 shards in ${result.shardRanges} ranges of at most 10: parent ${parent.events} events, largest payload ${parent.largestPayload} B, ` +
        `${parent.payloadBytes} payload bytes; largest child ${largestChild.events} events, largest payload ${largestChild.largestPayload} B`,
    );
    // The parent: a few events per file and per range (start, completion, progress signals), none per shard.
    assert.ok(parent.events <= 60 + 20 * result.shardRanges, `parent has ${parent.events} events`);
    assert.ok(parent.largestPayload < 4096, `parent's largest payload is ${parent.largestPayload} bytes`);
    // A child: a handful of events per shard of its own range.
    assert.ok(largestChild.events <= 40 + 8 * 10, `a child has ${largestChild.events} events`);
  });

  it('writes the same batch statistics and report profile from the shard stage as a second pass over processed and result parts', async () => {
    await fx.deps.store.put('raw/stats/a.jsonl', jsonlRows(240, 1000) + jsonlRows(40, 1000)); // 40 duplicates
    const { result } = await ingest([{ key: 'raw/stats/a.jsonl' }], { shardSize: 30, rangeShards: 4 });
    const inStage = JSON.parse(
      (await fx.deps.store.get(driftKeys.batchStatistics(result.batchId))).toString(),
    ) as BatchStatisticsDocumentV2;
    assert.equal(inStage.schemaVersion, 2);
    assert.equal(inStage.shards, result.resultParts);
    const profileInStage = JSON.parse((await fx.deps.store.get(layout.profile(result.batchId))).toString()) as BatchProfileV1;

    const processedKeys: string[] = [];
    for await (const o of fx.deps.store.list(`processed/${result.batchId}/`)) processedKeys.push(o.key);
    const drift = createDriftActivities({ ...fx.deps, client: fx.env.client, taskQueue: fx.taskQueue });
    const env = new MockActivityEnvironment({ taskQueue: fx.taskQueue }, { client: fx.env.client });
    await env.run(drift.computeBatchStatistics, {
      batchId: result.batchId,
      processedKeys,
      resultKeys: await resultPartKeys(fx.deps.store, result),
      modelName: 'spam',
      modelVersion: result.modelVersion,
      quarantined: result.quarantined,
    });
    const reread = JSON.parse((await fx.deps.store.get(driftKeys.batchStatistics(result.batchId))).toString()) as BatchStatisticsDocumentV1;
    assert.ok(reread.statistics.quality.duplicate >= 40, `${reread.statistics.quality.duplicate} duplicates`);
    // Duplicates across shards and ranges counted, histograms, predictions, confusion and vocabulary alike.
    assert.deepEqual(inStage.statistics, reread.statistics);
    // The report's profile too (every document traced below 10,000; stems exact from complete shard lists).
    const profileReread = JSON.parse((await fx.deps.store.get(layout.profile(result.batchId))).toString()) as BatchProfileV1;
    assert.equal(profileInStage.documents, result.scored);
    assert.equal(profileInStage.traced, result.scored);
    assert.ok(profileInStage.removed.markup.removed > 0 && profileInStage.rawChars > profileInStage.cleanChars);
    assert.deepEqual(profileInStage, profileReread);
  });

  it('completes and reconciles a batch whose every row is quarantined (no shard, no range)', async () => {
    await fx.deps.store.put('raw/allbad/a.jsonl', '{"text": "unterminated\n{not json}\n{"title": "no text"}\n');
    const { result } = await ingest([{ key: 'raw/allbad/a.jsonl' }], {});
    assert.deepEqual([result.inputRows, result.scored, result.quarantined, result.resultParts, result.shardRanges], [3, 0, 3, 0, 0]);
    const stats = JSON.parse((await fx.deps.store.get(driftKeys.batchStatistics(result.batchId))).toString()) as BatchStatisticsDocumentV2;
    assert.deepEqual([stats.statistics.documents, stats.statistics.quality.unreadable], [0, 3]);
  });

  it('prepares many small files at once and numbers their shards without gaps', async () => {
    const sources: SourceRefV1[] = [];
    for (let f = 0; f < 24; f++) {
      await fx.deps.store.put(`raw/many/f${f}.jsonl`, jsonlRows(7, 2000 + 7 * f));
      sources.push({ key: `raw/many/f${f}.jsonl` });
    }
    const { handle, result } = await ingest(sources, { shardSize: 5, rangeShards: 8, prepareParallelism: 6 });
    assert.equal(result.inputRows, 24 * 7);
    assert.equal(result.resultParts, 48);
    const parts = await resultPartKeys(fx.deps.store, result);
    assert.deepEqual(
      parts,
      Array.from({ length: 48 }, (_, i) => `batches/${result.batchId}/results/part-${String(i).padStart(5, '0')}.jsonl`),
    );
    // Preparation overlapped: some prepareSource started before an earlier one completed.
    const events = (await handle.fetchHistory()).events ?? [];
    let open = 0;
    let most = 0;
    for (const e of events) {
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'prepareSource') most = Math.max(most, ++open);
      if (e.activityTaskCompletedEventAttributes) open = Math.max(0, open - 1);
    }
    assert.ok(most > 1, `at most ${most} prepareSource activities were scheduled at once`);
  });
});

describe('ingestBatch and its ranges continue as new when the server suggests it', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let fx: PipelineFixture;
  let worker: PipelineWorker;
  let running: Promise<void>;
  const taskQueue = 'continue-as-new';

  before(async () => {
    // A server of its own that suggests continue-as-new after 60 events instead of 4,096.
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: venvBin('temporal') },
        searchAttributes: [...allSearchAttributes],
        log: { format: 'json', level: 'error' },
        extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60'],
      },
      plugins: [testCodecPlugin],
    });
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'spam');
    worker = await createPipelineWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      deps: { ...fx.deps, client: env.client },
      dataConverter: testDataConverter,
      workflowBundle: await workflowBundle(),
    });
    running = worker.run();
  });
  after(async () => {
    worker?.shutdown();
    await running;
    fx?.cleanup();
    await env?.teardown();
  });

  it('carries totals, pending files and finished shards into new runs, and still reconciles exactly once per row', async () => {
    const sources: SourceRefV1[] = [];
    for (let f = 0; f < 16; f++) {
      await fx.deps.store.put(`raw/can/f${f}.jsonl`, jsonlRows(9, 3000 + 9 * f));
      sources.push({ key: `raw/can/f${f}.jsonl` });
    }
    const batchId = `can-${Date.now()}`;
    const handle = await env.client.workflow.start(ingestBatch, {
      taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [
        {
          version: 1,
          batchId,
          modelName: 'spam',
          sources,
          options: ingestOptions(settings, {
            driftCheckEveryBatches: 0,
            shardSize: 3,
            rangeShards: 30,
            parallelism: 2,
            prepareParallelism: 2,
          }),
        },
      ],
    });
    const result: IngestBatchResultV2 = await handle.result();
    assert.equal(result.inputRows, 16 * 9);
    assert.equal(result.scored + result.quarantined, result.inputRows);
    const ids = (await readResultRecords(fx.deps.store, result)).map((r) => r.id);
    assert.equal(ids.length, result.scored);
    assert.equal(new Set(ids).size, ids.length);

    // The parent continued as new at least once (its first run ended that way)...
    const firstRun = (await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory()).events ?? [];
    assert.ok(firstRun.at(-1)?.workflowExecutionContinuedAsNewEventAttributes, 'the first parent run did not continue as new');

    // A range of all 48 shards, run on its own over the same staged shards, continues as new too
    // (it outgrows 60 events) and still ends with every shard counted once.
    const rangeId = `${handle.workflowId}-range-whole`;
    const range = await env.client.workflow.execute(ingestShardRange, {
      taskQueue,
      workflowId: rangeId,
      args: [
        {
          version: 1,
          batchId,
          range: 99,
          parentWorkflowId: handle.workflowId,
          modelName: 'spam',
          modelVersion: result.modelVersion,
          blocks: Array.from({ length: 16 }, (_, f) => ({ sourceIndex: f, firstLocal: 0, first: 3 * f, count: 3 })),
          etl: 'local',
          scoring: 'worker',
          parallelism: 2,
          vocabularyKey: null,
        },
      ],
    });
    assert.equal(range.shards, 48);
    assert.equal(range.rows, result.scored);
    const runs = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = '${rangeId}'` })) runs.push(w);
    assert.ok(runs.length > 1, `the range ran ${runs.length} time(s)`);
  });
});

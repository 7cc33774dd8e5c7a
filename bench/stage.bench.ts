import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ModelCache } from '../src/activities/ingest/model-cache';
import { createSummarizeActivities } from '../src/activities/ingest/summarize';
import { ModelRegistry, type TextClassifier } from '../src/model';
import { batchLayout, layout } from '../src/pipeline/layout';
import type { StagedRecord } from '../src/pipeline/records';
import { runShardStage } from '../src/pipeline/shard-stage';
import { FsObjectStore } from '../src/storage/fs-object-store';
import { BenchArgs } from './bench-args';
import { scoreBare, trainBenchModel } from './bench-model';
import { SyntheticCorpus } from './synthetic-corpus';

/**
 * What the in-worker shard stage costs per document against the bare scoring loop, both run in
 * this one thread over the same staged shards, shard by shard in turn: a machine whose speed drifts
 * (other tenants, frequency scaling) slows both alike, so their ratio holds still where
 * `bench:pipeline`'s, taken minutes apart, does not. The stage's figure includes its range merge
 * (summarizeShardRange over the round's shards), the work a pool thread does per range.
 * Usage: node dist/bench/stage.bench.js [--shards 8] [--rows 5000] [--rounds 6] [--json]
 */
/** User + system CPU microseconds of this process (every thread: GC and compiler helpers included). */
function cpuMicros(): number {
  const used = process.cpuUsage();
  return used.user + used.system;
}

/** The bench:pipeline reference loop over one staged shard: parse, clean, predict. */
function bareShard(text: string, classifier: TextClassifier): number {
  let n = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const row = JSON.parse(line) as StagedRecord;
    scoreBare(row.title, row.body, classifier);
    n++;
  }
  return n;
}

async function main(): Promise<void> {
  const args = new BenchArgs('node dist/bench/stage.bench.js [--shards 8] [--rows 5000] [--rounds 6] [--json]', {
    shards: 'value',
    rows: 'value',
    rounds: 'value',
    json: 'flag',
  });
  const shards = args.positiveInt('shards', 8);
  const rows = args.positiveInt('rows', 5000);
  const rounds = args.positiveInt('rounds', 6);
  const json = args.flag('json');
  // Round 0 only warms up: at least one more is needed for a figure.
  if (rounds < 2) throw new RangeError(`--rounds must be at least 2 (round 0 only warms up)\nusage: ${args.usage}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-batch-stage-bench-'));
  try {
    const store = new FsObjectStore(dir);
    const registry = new ModelRegistry(store);
    const { classifier, version } = await trainBenchModel(registry);
    const corpus = new SyntheticCorpus(2);
    const texts: string[] = [];
    for (let s = 0; s < shards; s++) {
      const lines: string[] = [];
      for (let i = 0; i < rows; i++) {
        const d = corpus.next(s * rows + i);
        const staged: StagedRecord = {
          id: d.id,
          source: { key: 'raw/bench.jsonl', line: s * rows + i + 1 },
          title: d.title,
          body: d.body,
          label: d.label,
        };
        lines.push(JSON.stringify(staged));
      }
      texts.push(lines.join('\n') + '\n');
      await store.put(batchLayout.stagedShard('staged', 0, s), texts[s]);
    }
    const model = registry.load('bench', version);
    const context = { store, loadModel: () => model, loadVocabulary: async () => new Set<string>() };
    const summarize = createSummarizeActivities(store, new ModelCache(registry));
    const activity = new MockActivityEnvironment();

    // Round 0 warms both paths up (compilation, the model's load) and is not counted.
    let bareMicros = 0;
    let stageMicros = 0;
    let rangeMicros = 0;
    let documents = 0;
    for (let round = 0; round < rounds; round++) {
      const batchId = `round-${round}`;
      let bare = 0;
      let stage = 0;
      for (let s = 0; s < shards; s++) {
        const before = cpuMicros();
        const n = bareShard(texts[s], classifier);
        const between = cpuMicros();
        await runShardStage(context, {
          batchId,
          index: s,
          sourceIndex: 0,
          stagedKey: batchLayout.stagedShard('staged', 0, s),
          processedKey: layout.processed(batchId, s),
          resultKey: layout.resultPart(batchId, s),
          summaryKey: batchLayout.shardSummary(batchId, s),
          fingerprintsKey: batchLayout.shardFingerprints(batchId, s),
          modelName: 'bench',
          modelVersion: version,
        });
        bare += between - before;
        stage += cpuMicros() - between;
        if (round > 0) documents += n;
      }
      const before = cpuMicros();
      await activity.run(summarize.summarizeShardRange, {
        batchId,
        range: 0,
        blocks: [{ sourceIndex: 0, first: 0, firstLocal: 0, count: shards }],
      });
      const range = cpuMicros() - before;
      if (round > 0) {
        bareMicros += bare;
        stageMicros += stage;
        rangeMicros += range;
      }
      rmSync(path.join(dir, 'batches', batchId), { recursive: true, force: true });
      rmSync(path.join(dir, 'processed', batchId), { recursive: true, force: true });
    }
    const out = {
      shards,
      rowsPerShard: rows,
      countedRounds: rounds - 1,
      documents,
      cpuMicrosPerDoc: { bare: bareMicros / documents, stage: stageMicros / documents, rangeMerge: rangeMicros / documents },
      stageOverBare: (stageMicros + rangeMicros) / bareMicros,
      loadAverage1m: os.loadavg()[0],
    };
    if (json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      const us = out.cpuMicrosPerDoc;
      console.log(
        `${documents.toLocaleString('en-US')} documents (${rounds - 1} rounds of ${shards} shards of ${rows}), CPU µs per document: ` +
          `bare ${us.bare.toFixed(1)} | stage ${us.stage.toFixed(1)} + range merge ${us.rangeMerge.toFixed(1)} | ` +
          `(stage + merge) / bare ${out.stageOverBare.toFixed(2)}x (load ${out.loadAverage1m.toFixed(1)})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

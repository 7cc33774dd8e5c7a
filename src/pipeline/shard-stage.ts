import { createHash } from 'node:crypto';
import type { TextClassifier } from '../model';
import { PART_PROFILE_STEMS, ProfileAccumulator, shouldTraceInShard } from '../reports/profile';
import type { ObjectStore } from '../storage/object-store';
import { composeText, identifyLanguage, lastKeptIds, lastTokenIds } from '../text';
import { traceCleaning } from '../text/cleaning-trace';
import { cleanStagedRecord } from './clean-records';
import { JsonlBuffer, jsonlValues } from './jsonl';
import { encodeProcessedLine } from './processed-line';
import type { ResultRecord, StagedRecord } from './records';
import { fingerprintsToBytes, writeShardSummary, type ShardSummaryV2 } from './shard-summary';
import { ShardStatistics } from './shard-statistics';

/** One shard through the in-worker stages: keys and the pinned model, never document text. */
export interface ShardStageTask {
  batchId: string;
  /** Batch-wide shard number. */
  index: number;
  sourceIndex: number;
  stagedKey: string;
  processedKey: string;
  /** Present when scoring runs in the worker too: the part to write. */
  resultKey?: string;
  summaryKey: string;
  fingerprintsKey: string;
  modelName: string;
  modelVersion: string;
  redactPii?: boolean;
  /** Baseline to count out-of-vocabulary tokens against (null: none). */
  vocabularyKey?: string | null;
}

export interface ShardStageResult {
  rows: number;
  scored: number;
}

export interface ShardStageContext {
  store: ObjectStore;
  loadModel(name: string, version: string): Promise<TextClassifier>;
  loadVocabulary(key: string): Promise<ReadonlySet<string>>;
}

/**
 * Cleans one staged shard and, when asked, scores it in the same pass, row by row: each row is
 * cleaned, written as a processed line, scored, written as a result line and counted in the
 * shard's statistics before the next one, so no record outlives its row (the garbage collector
 * then never copies them). Writes the processed shard, the result part, the shard's fingerprints
 * and, last, its summary: a summary present means the shard's outputs are complete. Pure I/O plus
 * domain: runs in a worker thread or inline.
 */
export async function runShardStage(ctx: ShardStageContext, task: ShardStageTask): Promise<ShardStageResult> {
  const classifier = await ctx.loadModel(task.modelName, task.modelVersion);
  const vocabulary = task.vocabularyKey ? { key: task.vocabularyKey, terms: await ctx.loadVocabulary(task.vocabularyKey) } : undefined;
  const text = (await ctx.store.get(task.stagedKey)).toString('utf8');
  const field = classifier.config.features;
  const score = task.resultKey !== undefined;
  const statistics = new ShardStatistics(vocabulary);
  // The batch report's profile, in the same pass: the staged row is at hand for the text before cleaning.
  const profile = new ProfileAccumulator(PART_PROFILE_STEMS);
  const shardRows = countLines(text);
  const processedLines = new JsonlBuffer();
  const resultLines = new JsonlBuffer();
  const predictedCounts: Record<string, number> = {};
  let rows = 0;
  let labelled = 0;

  for (const staged of jsonlValues<StagedRecord>(text, task.stagedKey)) {
    const processed = cleanStagedRecord(staged, classifier.config.text, task.redactPii);
    // Both views are valid until the next document is cleaned: read by the accumulators below, in this row.
    const tokenIds = lastTokenIds();
    const stemIds = lastKeptIds();
    processedLines.push(encodeProcessedLine(processed));
    if (processed.label !== null) labelled++;
    // Both accumulators count languages: identified once.
    const language = identifyLanguage(processed.tokens);
    statistics.addDocument({
      label: processed.label,
      textClean: processed.text_clean,
      tokens: processed.tokens,
      compound: processed.sentiment.compound,
      language,
      tokenIds,
    });
    const title = staged.title ?? '';
    const traced = shouldTraceInShard(task.index, shardRows, rows);
    profile.add({
      textClean: processed.text_clean,
      tokens: processed.tokens,
      tokensNoStop: processed.tokens_nostop,
      stems: processed.stems,
      stemIds,
      processedAs: processed.language,
      rawChars: title ? title.length + 1 + staged.body.length : staged.body.length,
      trace: traced ? traceCleaning(composeText(title, staged.body)) : undefined,
      language,
    });
    rows++;
    if (!score) continue;
    const features = field === 'stems' ? processed.stems : field === 'tokensNoStop' ? processed.tokens_nostop : processed.tokens;
    const prediction = classifier.predict(features);
    predictedCounts[prediction.label] = (predictedCounts[prediction.label] ?? 0) + 1;
    statistics.addPrediction(processed.label, prediction.label, prediction.probabilities);
    const result: ResultRecord = {
      id: processed.id,
      source: processed.source,
      label: processed.label,
      predictedLabel: prediction.label,
      probabilities: prediction.probabilities,
      sentiment: processed.sentiment,
      modelVersion: task.modelVersion,
    };
    resultLines.push(JSON.stringify(result));
  }

  await ctx.store.put(task.processedKey, processedLines.toBytes(), { contentType: 'application/x-ndjson' });
  let sha256: string | null = null;
  if (task.resultKey !== undefined) {
    const body = resultLines.toBytes();
    sha256 = createHash('sha256').update(body).digest('hex');
    await ctx.store.put(task.resultKey, body, { contentType: 'application/x-ndjson' });
  }
  await ctx.store.put(task.fingerprintsKey, fingerprintsToBytes(statistics.distinctFingerprints()));
  const documents = statistics.toStatisticsAndTerms();
  const profiled = profile.toProfileAndStems();
  const summary: ShardSummaryV2 = {
    schemaVersion: 2,
    batchId: task.batchId,
    index: task.index,
    sourceIndex: task.sourceIndex,
    stagedKey: task.stagedKey,
    processedKey: task.processedKey,
    resultKey: task.resultKey ?? null,
    rows,
    scored: score ? rows : 0,
    sha256,
    predictedCounts,
    labelled,
    statistics: documents.statistics,
    profile: profiled.profile,
    fingerprintsKey: task.fingerprintsKey,
    terms: documents.terms,
    stems: profiled.stems,
  };
  await writeShardSummary(ctx.store, task.summaryKey, summary);
  return { rows, scored: summary.scored };
}

/** Lines of a JSON Lines text (an upper bound on its rows): where each row stands in the batch. */
function countLines(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

import { Context } from '@temporalio/activity';
import { toJsonl } from '../../pipeline/jsonl';
import { openInput } from '../../pipeline/read-input';
import { asRejectedFile } from '../../pipeline/rejected-file';
import { DEFAULT_TRAINING_PREFIX, TRAINING_DEFAULTS } from '../../contracts/continuous-training';
import type { ObjectStore } from '../../storage/object-store';
import { acknowledgeRun, coversStaged } from '../../training/labelled-counter';
import { contentHash, isTestDocument } from '../../training/split-assignment';
import { detectCorpusLanguage } from '../../text';
import { readLabelledCounter, updateLabelledCounter } from './labelled-counter-store';
import type { TrainingRow } from './training-shards';
import type { AssembleTrainingSetInput, TrainingSet } from './types';

const LANGUAGE_SAMPLE = 2000;

/**
 * Gathers labelled rows from the given files and prefixes, drops exact duplicates (by content
 * hash, so a file uploaded twice does not weigh double) and splits train/test deterministically.
 * Rows without a label cannot teach anything and are counted, not kept. Shard keys derive from the
 * run and the shard index, so a retried attempt overwrites its own shards.
 *
 * Asked to, it also detects the rows' language (the model's language when the request names none).
 *
 * When the data covers `staged/`, the run also takes what it saw off the model's
 * labelled-since-training counter (the data trigger's reset; the rule is in training/labelled-counter.ts).
 */
export function createAssembleTrainingSet(store: ObjectStore) {
  return async function assembleTrainingSet(input: AssembleTrainingSetInput): Promise<TrainingSet> {
    const prefix = `training/${input.modelName}/${input.runId}`;
    const shardRows = input.shardRows ?? TRAINING_DEFAULTS.shardRows;
    // Read before listing: every row counted by now was staged before the listing below.
    let counted: number | undefined;
    if (coversStaged(input.data.prefixes, DEFAULT_TRAINING_PREFIX)) {
      const { counter } = await readLabelledCounter(store, input.modelName);
      if (!counter.acknowledgedRuns.includes(input.runId)) counted = counter.count;
    }
    const keys = [...(input.data.keys ?? [])];
    for (const p of input.data.prefixes ?? []) for await (const object of store.list(p)) keys.push(object.key);

    const seen = new Set<string>();
    const set: TrainingSet = {
      trainKeys: [],
      testKeys: [],
      trainRows: 0,
      testRows: 0,
      labelCounts: {},
      duplicates: 0,
      unlabelled: 0,
      rejectedRows: 0,
      rejectedFiles: [],
      labelledAcknowledged: 0,
    };
    const buffers = { train: [] as TrainingRow[], test: [] as TrainingRow[] };
    // The first rows kept, for the language detection (enough to settle a corpus).
    const languageSample: TrainingRow[] = [];
    const flush = async (part: 'train' | 'test') => {
      const rows = buffers[part];
      if (rows.length === 0) return;
      const list = part === 'train' ? set.trainKeys : set.testKeys;
      const key = `${prefix}/${part}-${String(list.length).padStart(5, '0')}.jsonl`;
      await store.put(key, toJsonl(rows));
      list.push(key);
      buffers[part] = [];
    };

    let processed = 0;
    for (const key of keys) {
      try {
        const { rows } = await openInput(store, key, { columns: input.data.columns, maxRecordBytes: input.maxRecordBytes });
        for await (const row of rows) {
          if (++processed % 1000 === 0) Context.current().heartbeat({ processed });
          if (!row.ok) {
            set.rejectedRows++;
            continue;
          }
          const { title, body, label } = row.record;
          if (label === null || label.trim() === '') {
            set.unlabelled++;
            continue;
          }
          const hash = contentHash(title, body);
          if (seen.has(hash)) {
            set.duplicates++;
            continue;
          }
          seen.add(hash);
          if (input.detectLanguage && languageSample.length < LANGUAGE_SAMPLE) languageSample.push({ title, body, label });
          const part = isTestDocument(hash, label, input.seed, input.testFraction) ? 'test' : 'train';
          buffers[part].push({ title, body, label });
          if (part === 'train') set.trainRows++;
          else set.testRows++;
          set.labelCounts[label] = (set.labelCounts[label] ?? 0) + 1;
          if (buffers[part].length >= shardRows) await flush(part);
        }
      } catch (err) {
        const rejected = asRejectedFile(key, err);
        if (!rejected) throw err;
        set.rejectedFiles.push(rejected);
      }
    }
    await flush('train');
    await flush('test');
    if (input.detectLanguage) set.language = detectCorpusLanguage(languageSample, LANGUAGE_SAMPLE);
    if (counted !== undefined) {
      const seen = counted;
      await updateLabelledCounter(store, input.modelName, (c) => acknowledgeRun(c, input.runId, seen, new Date()));
      set.labelledAcknowledged = seen;
    }
    return set;
  };
}

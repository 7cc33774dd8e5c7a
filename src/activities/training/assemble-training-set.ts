import { Context } from '@temporalio/activity';
import { toJsonl } from '../../pipeline/jsonl';
import { openInput } from '../../pipeline/read-input';
import { asRejectedFile } from '../../pipeline/rejected-file';
import type { ObjectStore } from '../../storage/object-store';
import { contentHash, isTestDocument } from '../../training/split-assignment';
import type { TrainingRow } from './training-shards';
import type { AssembleTrainingSetInput, TrainingSet } from './types';

const SHARD_ROWS = 5000;

/**
 * Gathers labelled rows from the given files and prefixes, drops exact duplicates (by content
 * hash, so a file uploaded twice does not weigh double) and splits train/test deterministically.
 * Rows without a label cannot teach anything and are counted, not kept.
 */
export function createAssembleTrainingSet(store: ObjectStore) {
  return async function assembleTrainingSet(input: AssembleTrainingSetInput): Promise<TrainingSet> {
    const prefix = `training/${input.modelName}/${input.runId}`;
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
    };
    const buffers = { train: [] as TrainingRow[], test: [] as TrainingRow[] };
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
          const part = isTestDocument(hash, label, input.seed, input.testFraction) ? 'test' : 'train';
          buffers[part].push({ title, body, label });
          if (part === 'train') set.trainRows++;
          else set.testRows++;
          set.labelCounts[label] = (set.labelCounts[label] ?? 0) + 1;
          if (buffers[part].length >= SHARD_ROWS) await flush(part);
        }
      } catch (err) {
        const rejected = asRejectedFile(key, err);
        if (!rejected) throw err;
        set.rejectedFiles.push(rejected);
      }
    }
    await flush('train');
    await flush('test');
    return set;
  };
}

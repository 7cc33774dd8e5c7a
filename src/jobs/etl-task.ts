import type { StagedRecord } from '../pipeline/records';
import type { ObjectStore } from '../storage/object-store';
import { cleanStagedRecords } from '../pipeline/clean-records';
import { encodeProcessedLine } from '../pipeline/processed-line';
import type { Language } from '../text';
import { readJobSpec } from './job-spec';
import { parseShard } from './shard-lines';
import { PermanentTaskError } from './task-errors';

export interface EtlTaskInput {
  store: ObjectStore;
  specKey: string;
  index: number;
}

function assertStaged(value: unknown, where: string): asserts value is StagedRecord {
  const r = value as Record<string, unknown> | null;
  if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || typeof r.body !== 'string') {
    throw new PermanentTaskError(`${where}: not a staged record (needs id and body)`);
  }
}

/**
 * One task of an ETL job run as a local process: inputKeys[index] -> outputKeys[index], cleaned
 * exactly like the in-worker cleanShard activity (full records, stems and sentiment included).
 */
export async function runEtlTask({ store, specKey, index }: EtlTaskInput): Promise<{ outputKey: string; rows: number }> {
  const spec = await readJobSpec(store, specKey, 'etl');
  if (!Number.isInteger(index) || index < 0 || index >= spec.inputKeys.length) {
    throw new PermanentTaskError(`array index ${index} is outside the spec's ${spec.inputKeys.length} shard(s)`);
  }
  // validateJobSpec checked the language against LANGUAGES; the port types it as a plain string.
  const textOptions = { ...spec.textOptions, language: spec.textOptions.language as Language };
  const inputKey = spec.inputKeys[index];
  const outputKey = spec.outputKeys[index];
  const staged = parseShard(await store.get(inputKey), inputKey);
  staged.forEach((value, i) => assertStaged(value, `${inputKey} record ${i + 1}`));
  const processed = cleanStagedRecords(staged as StagedRecord[], textOptions, spec.redactPii === true);
  await store.put(outputKey, processed.map((record) => encodeProcessedLine(record) + '\n').join(''), {
    contentType: 'application/x-ndjson',
  });
  return { outputKey, rows: processed.length };
}

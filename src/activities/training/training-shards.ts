import { recordFeatures, type LabelledDoc, type TrainingConfig } from '../../model';
import { parseJsonl } from '../../pipeline/jsonl';
import type { ObjectStore } from '../../storage/object-store';

/** A training-set row: the text and its known label (written by assembleTrainingSet). */
export interface TrainingRow {
  title: string;
  body: string;
  label: string;
}

/** Reads training shards one at a time and featurises them with the config being trained. */
export async function* featurizedShards(
  store: ObjectStore,
  keys: readonly string[],
  config: Pick<TrainingConfig, 'text' | 'features'>,
  onShard: (index: number) => void = () => undefined,
): AsyncGenerator<LabelledDoc[]> {
  for (let i = 0; i < keys.length; i++) {
    const rows = parseJsonl<TrainingRow>(await store.get(keys[i]), keys[i]);
    yield rows.map((row) => ({ features: recordFeatures(row, config), label: row.label }));
    onShard(i);
  }
}

import { recordFeatures, type LabelledDoc, type TrainingConfig } from '../../model';
import { parseJsonl } from '../../pipeline/jsonl';
import type { ObjectStore } from '../../storage/object-store';

/** A training-set row: the text and its known label (written by assembleTrainingSet). */
export interface TrainingRow {
  title: string;
  body: string;
  label: string;
}

export async function readShardRows(store: ObjectStore, key: string): Promise<TrainingRow[]> {
  return parseJsonl<TrainingRow>(await store.get(key), key);
}

/** One shard, featurised with the config being trained. */
export async function featurizedShard(
  store: ObjectStore,
  key: string,
  config: Pick<TrainingConfig, 'text' | 'features'>,
): Promise<LabelledDoc[]> {
  return (await readShardRows(store, key)).map((row) => ({ features: recordFeatures(row, config), label: row.label }));
}

/** Reads training shards one at a time and featurises them with the config being trained. */
export async function* featurizedShards(
  store: ObjectStore,
  keys: readonly string[],
  config: Pick<TrainingConfig, 'text' | 'features'>,
  onShard: (index: number) => void = () => undefined,
): AsyncGenerator<LabelledDoc[]> {
  for (let i = 0; i < keys.length; i++) {
    yield await featurizedShard(store, keys[i], config);
    onShard(i);
  }
}

/** The labels of the same shards, in the same order, without the (costly) featurising. */
export async function* labelShards(store: ObjectStore, keys: readonly string[]): AsyncGenerator<string[]> {
  for (const key of keys) yield (await readShardRows(store, key)).map((row) => row.label);
}

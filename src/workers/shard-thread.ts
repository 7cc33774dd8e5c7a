import { parentPort, workerData } from 'node:worker_threads';
import { objectStoreFromSettings } from '../aws/store-from-settings';
import { loadSettings } from '../config/settings';
import { ModelRegistry, type TextClassifier } from '../model';
import { runShardStage, type ShardStageTask } from '../pipeline/shard-stage';
import { VocabularyLoader } from '../pipeline/shard-statistics';

/**
 * A thread of the shard pool: cleans (and scores) shards so the worker uses every core while its
 * main thread keeps serving Temporal. It builds its own store client from the same environment.
 */
const settings = loadSettings(workerData as Record<string, string>);
const store = objectStoreFromSettings(settings);
const registry = new ModelRegistry(store);
const models = new Map<string, Promise<TextClassifier>>();
const vocabularies = new VocabularyLoader(store);

function loadModel(name: string, version: string): Promise<TextClassifier> {
  const id = `${name}@${version}`;
  let model = models.get(id);
  if (!model) {
    model = registry.load(name, version);
    model.catch(() => models.delete(id));
    models.set(id, model);
    // Versions are immutable; a few stay cached (one per batch in flight at most).
    if (models.size > 4) models.delete(models.keys().next().value as string);
  }
  return model;
}

parentPort?.on('message', async ({ id, task }: { id: number; task: ShardStageTask }) => {
  try {
    parentPort?.postMessage({
      id,
      result: await runShardStage({ store, loadModel, loadVocabulary: (key) => vocabularies.load(key) }, task),
    });
  } catch (err) {
    const error = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
    parentPort?.postMessage({ id, error });
  }
});

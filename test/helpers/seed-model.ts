import { DEFAULT_TRAINING_CONFIG, ModelRegistry, toLabelledDoc, trainModel } from '../../src/model';
import { sampleMessages } from './corpus';

/** Trains a small real model on SpamAssassin messages and promotes it, so workflows have one to pin. */
export async function seedModel(registry: ModelRegistry, name: string, documents = 800): Promise<string> {
  const docs = sampleMessages(documents, 7000).map((m) =>
    toLabelledDoc({ title: m.subject, body: m.body, label: m.label }, DEFAULT_TRAINING_CONFIG),
  );
  const { classifier, stats } = await trainModel(() => [docs], DEFAULT_TRAINING_CONFIG);
  const { version } = await registry.saveVersion(name, classifier.toArtifacts(), { trainRows: stats.documents });
  await registry.promote(name, version, { reason: 'seeded for tests' });
  return version;
}

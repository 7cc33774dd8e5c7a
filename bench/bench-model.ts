import { DEFAULT_TRAINING_CONFIG, toLabelledDoc, trainModel, type ModelRegistry, type TextClassifier } from '../src/model';
import { cleanDocument, cleanedFeatures } from '../src/text';
import { SyntheticCorpus } from './synthetic-corpus';

/** The model the pipeline benchmarks score with: trained on 20,000 generated documents (seed 1), saved as `bench`. */
export async function trainBenchModel(registry: ModelRegistry): Promise<{ classifier: TextClassifier; version: string }> {
  const trainer = new SyntheticCorpus(1);
  const training = Array.from({ length: 20_000 }, (_, i) => trainer.next(i)).map((d) =>
    toLabelledDoc({ title: d.title, body: d.body, label: d.label }, DEFAULT_TRAINING_CONFIG),
  );
  const { classifier } = await trainModel(() => [training], DEFAULT_TRAINING_CONFIG);
  const { version } = await registry.saveVersion('bench', classifier.toArtifacts(), {});
  return { classifier, version };
}

/** The bare scorer's work on one document, the benchmarks' reference: clean, featurise, predict. */
export function scoreBare(title: string, body: string, classifier: TextClassifier): void {
  const clean = cleanDocument({ title, body }, classifier.config.text);
  classifier.predict(cleanedFeatures(clean, classifier.config.features));
}

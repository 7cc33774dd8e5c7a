import { classificationReport, type ClassificationReport, type LabelledDoc, type TextClassifier } from '../../model';
import type { ObjectStore } from '../../storage/object-store';
import { featurizedShards } from './training-shards';

/** Documents predicted between two yields to the event loop (and heartbeats). */
const CHUNK = 2000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A held-out evaluation that keeps its activity alive: reads and featurises the shards one at a
 * time and predicts in chunks, heartbeating after each and yielding to the event loop so the
 * heartbeat is actually sent (a synchronous pass over a large held-out set would go silent past
 * the heartbeat timeout). Same report as evaluateClassifier, and the true labels it compared.
 */
export async function evaluateWithHeartbeats(
  store: ObjectStore,
  classifier: TextClassifier,
  testKeys: readonly string[],
  heartbeat: (progress: { stage: 'reading' | 'predicting'; done: number; of: number }) => void,
): Promise<{ report: ClassificationReport; truth: string[] }> {
  const docs: LabelledDoc[] = [];
  heartbeat({ stage: 'reading', done: 0, of: testKeys.length });
  for await (const shard of featurizedShards(store, testKeys, classifier.config, (i) =>
    heartbeat({ stage: 'reading', done: i + 1, of: testKeys.length }),
  ))
    docs.push(...shard);
  const predicted: string[] = [];
  const probabilities: Record<string, number>[] = [];
  for (let start = 0; start < docs.length; start += CHUNK) {
    for (const doc of docs.slice(start, start + CHUNK)) {
      const prediction = classifier.predict(doc.features);
      predicted.push(prediction.label);
      probabilities.push(prediction.probabilities);
    }
    heartbeat({ stage: 'predicting', done: Math.min(start + CHUNK, docs.length), of: docs.length });
    await yieldToEventLoop();
  }
  const truth = docs.map((doc) => doc.label);
  const labels = [...new Set([...classifier.labels, ...truth])].sort();
  return { report: classificationReport(truth, predicted, { labels, probabilities }), truth };
}

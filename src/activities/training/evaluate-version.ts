import { Context } from '@temporalio/activity';
import type { MetricSummaryV1 } from '../../contracts/continuous-training';
import { ModelArtifactError, type ModelRegistry } from '../../model';
import type { ObjectStore } from '../../storage/object-store';
import { summarize } from '../../training/metric-summary';
import { evaluateWithHeartbeats } from './evaluate-with-heartbeats';

/**
 * Scores a stored version (the champion) on the challenger's held-out set: same rows, fair fight.
 * A version refit on its own run's held-out rows (metrics.json `refitOf`) has seen rows that the
 * split assigns to the held-out side again; it is scored through the version it was refit from,
 * which was fitted on the training rows only, and the summary names that version.
 * Heartbeats while it reads and predicts, so a large held-out set does not time it out.
 */
export function createEvaluateVersion(store: ObjectStore, registry: ModelRegistry) {
  return async function evaluateVersion(input: { modelName: string; version: string; testKeys: string[] }): Promise<MetricSummaryV1> {
    const context = Context.current();
    context.heartbeat({ stage: 'loading' });
    // A version without metrics.json is incomplete: registry.load below says so with the key.
    const metrics = (await registry.metrics(input.modelName, input.version).catch((err: unknown) => {
      if (err instanceof ModelArtifactError) return {};
      throw err;
    })) as { refitOf?: unknown };
    const scored = typeof metrics.refitOf === 'string' ? metrics.refitOf : input.version;
    const classifier = await registry.load(input.modelName, scored);
    const { report } = await evaluateWithHeartbeats(store, classifier, input.testKeys, (progress) => context.heartbeat(progress));
    const summary = summarize(report);
    return scored === input.version ? summary : { ...summary, evaluatedVersion: scored };
  };
}

import { Context } from '@temporalio/activity';
import type { MetricSummaryV1 } from '../../contracts/continuous-training';
import type { ModelRegistry } from '../../model';
import type { ObjectStore } from '../../storage/object-store';
import { summarize } from '../../training/metric-summary';
import { evaluateWithHeartbeats } from './evaluate-with-heartbeats';

/**
 * Scores a stored version (the champion) on the challenger's held-out set: same rows, fair fight.
 * Heartbeats while it reads and predicts, so a large held-out set does not time it out.
 */
export function createEvaluateVersion(store: ObjectStore, registry: ModelRegistry) {
  return async function evaluateVersion(input: { modelName: string; version: string; testKeys: string[] }): Promise<MetricSummaryV1> {
    const context = Context.current();
    context.heartbeat({ stage: 'loading' });
    const classifier = await registry.load(input.modelName, input.version);
    const { report } = await evaluateWithHeartbeats(store, classifier, input.testKeys, (progress) => context.heartbeat(progress));
    return summarize(report);
  };
}

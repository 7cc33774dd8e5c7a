import { driftKeys } from '../../drift';
import type { ObjectStore } from '../../storage/object-store';
import { readJsonObject, updateJsonObject } from './json-object';
import type { ClaimRetrainingInput, ClaimRetrainingOutput, DriftStateV1, ReadDriftStateOutput } from './types';

export function createDriftStateActivities(store: ObjectStore) {
  return {
    async readDriftState({ modelName }: { modelName: string }): Promise<ReadDriftStateOutput> {
      const state = await readJsonObject<DriftStateV1>(store, driftKeys.state(modelName));
      return { lastRetrainAt: state?.lastRetrain?.at ?? null };
    },

    /**
     * Takes the model's retraining cooldown by compare-and-set on drift/<model>/state.json: succeeds
     * only when no retraining was started within `cooldownMs` before `at`, so two drift checks
     * deciding at once (a scheduled one and a signalled one) start one retraining between them.
     * Idempotent for the same drift run (a retried activity finds its own claim).
     */
    async claimRetraining(input: ClaimRetrainingInput): Promise<ClaimRetrainingOutput> {
      const now = Date.parse(input.at);
      return updateJsonObject<DriftStateV1, ClaimRetrainingOutput>(store, driftKeys.state(input.modelName), (current) => {
        const last = current?.lastRetrain ?? null;
        if (last && last.driftRunId === input.driftRunId) return { result: { claimed: true, lastRetrainAt: last.at } };
        if (last && now < Date.parse(last.at) + input.cooldownMs) return { result: { claimed: false, lastRetrainAt: last.at } };
        return {
          result: { claimed: true, lastRetrainAt: input.at },
          value: {
            schemaVersion: 1,
            modelName: input.modelName,
            lastRetrain: {
              at: input.at,
              decision: input.decision,
              driftWorkflowId: input.driftWorkflowId,
              driftRunId: input.driftRunId,
              reportKey: input.reportKey,
            },
          },
        };
      });
    },
  };
}

import { ApplicationFailure, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createTrainingActivities } from '../activities/training';
import { ManualPromotionInputV1, ManualPromotionOutcomeV1, trainingFailureTypes } from '../contracts/continuous-training';
import { searchAttributes } from '../contracts/search-attributes';
import { infraActivityOptions } from './retry-policy';

type TrainingActivities = ReturnType<typeof createTrainingActivities>;

// Infrastructure errors retry for a window of time (retry-policy.ts); promoteModel is idempotent,
// so a retry after a lost completion finishes the promotion instead of failing it.
const { describeChampion, promoteModel, notify } = proxyActivities<TrainingActivities>(infraActivityOptions({ startToCloseMs: 60_000 }));

/**
 * A person's promotion or rollback, run as a workflow so that it is recorded in a history (who
 * asked, what the pointer was, what it became) next to the automatic promotions. The pointer moves
 * by compare-and-set against the champion read at the start: if a training run promoted in
 * between, this fails with ConcurrentPromotion rather than silently undoing that promotion; the
 * person looks again and re-runs. Rollback targets latest.json's previousVersion, so two rollbacks
 * in a row undo each other.
 */
export async function manualPromotion(input: ManualPromotionInputV1): Promise<ManualPromotionOutcomeV1> {
  const { modelName, action } = input;
  const champion = await describeChampion({ modelName });
  let target: string;
  if (action === 'rollback') {
    if (!champion?.previousVersion) {
      throw ApplicationFailure.create({
        type: trainingFailureTypes.noPreviousVersion,
        nonRetryable: true,
        message: champion
          ? `${modelName}@${champion.version} has no previous version to roll back to`
          : `${modelName} has no promoted version`,
      });
    }
    target = champion.previousVersion;
  } else {
    if (!input.targetVersion) {
      throw ApplicationFailure.create({
        type: trainingFailureTypes.unknownVersion,
        nonRetryable: true,
        message: 'promote needs a version',
      });
    }
    target = input.targetVersion;
  }
  upsertSearchAttributes([
    { key: searchAttributes.modelName, value: modelName },
    { key: searchAttributes.modelVersion, value: target },
    { key: searchAttributes.pipelineStage, value: action === 'rollback' ? 'rollback' : 'manual-promotion' },
  ]);

  const outcome: ManualPromotionOutcomeV1 = {
    version: 1,
    modelName,
    action,
    fromVersion: champion?.version ?? null,
    toVersion: target,
    changed: champion?.version !== target,
    reason: input.reason,
  };
  if (!outcome.changed) return outcome;

  await promoteModel({ modelName, version: target, expectedEtag: champion?.etag ?? null, reason: `${action}: ${input.reason}` });
  await notify({
    event: 'model.promoted',
    severity: action === 'rollback' ? 'warning' : 'info',
    subject: action === 'rollback' ? `${modelName} rolled back to ${target}` : `${modelName}@${target} promoted manually`,
    message: `${modelName}: latest moved from ${outcome.fromVersion ?? 'none'} to ${target} (${action}). Reason: ${input.reason}.`,
    attributes: {
      modelName,
      modelVersion: target,
      previousVersion: outcome.fromVersion ?? 'none',
      action,
      promoted: 'true',
      workflowId: workflowInfo().workflowId,
    },
  });
  return outcome;
}

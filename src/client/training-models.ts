import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import {
  MANUAL_PROMOTION_WORKFLOW,
  manualPromotionWorkflowId,
  type ManualPromotionInputV1,
  type ManualPromotionOutcomeV1,
} from '../contracts/continuous-training';
import { searchAttributes } from '../contracts/search-attributes';
import { ModelArtifactError, type LatestPointer, type ModelRegistry } from '../model';
import type { ObjectStore } from '../storage/object-store';
import { promotionLogPrefix, type PromotionLogEntry } from '../training/promotion-log';
import type { manualPromotion } from '../workflows/manual-promotion';
import { UserError } from './user-error';

export interface ModelVersionView {
  version: string;
  /** All artifacts present (an interrupted save leaves an incomplete version, never reused). */
  complete: boolean;
  latest: boolean;
  /** On the held-out rows of the run that trained it. */
  metrics: { accuracy: number; macroF1: number; testRows: number } | null;
  trainRows: number | null;
  trigger: string | null;
  trainingReason: string | null;
  savedAt: string | null;
  /** Every time it became latest, oldest first. */
  promotions: PromotionLogEntry[];
}

export interface ModelView {
  modelName: string;
  latest: Omit<LatestPointer, 'etag'> | null;
  versions: ModelVersionView[];
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Reads the registry (no Temporal needed): every version, its metrics and provenance, and the promotion log. */
export async function describeModel(store: ObjectStore, registry: ModelRegistry, modelName: string): Promise<ModelView> {
  const latest = await registry.latest(modelName);
  const promotions = new Map<string, PromotionLogEntry[]>();
  for await (const object of store.list(promotionLogPrefix(modelName))) {
    const entry = JSON.parse((await store.get(object.key)).toString('utf8')) as PromotionLogEntry;
    promotions.set(entry.version, [...(promotions.get(entry.version) ?? []), entry]);
  }
  const versions: ModelVersionView[] = [];
  for (const info of await registry.listVersions(modelName)) {
    let metrics: Json = {};
    if (info.complete) {
      metrics = await registry.metrics(modelName, info.version).catch((err: unknown) => {
        if (err instanceof ModelArtifactError) return {};
        throw err;
      });
    }
    const evaluation = obj(metrics.evaluation);
    const accuracy = num(evaluation.accuracy);
    const macroF1 = num(obj(evaluation.macro).f1);
    const provenance = obj(metrics.provenance);
    versions.push({
      version: info.version,
      complete: info.complete,
      latest: latest?.version === info.version,
      metrics: accuracy !== null && macroF1 !== null ? { accuracy, macroF1, testRows: num(evaluation.documents) ?? 0 } : null,
      trainRows: num(obj(metrics.training).documents) ?? num(metrics.trainRows),
      trigger: str(provenance.trigger),
      trainingReason: str(provenance.reason),
      savedAt: str(metrics.savedAt),
      promotions: promotions.get(info.version) ?? [],
    });
  }
  return {
    modelName,
    latest: latest
      ? { version: latest.version, promotedAt: latest.promotedAt, reason: latest.reason, previousVersion: latest.previousVersion }
      : null,
    versions,
  };
}

/**
 * Runs a promotion or rollback as the manualPromotion workflow (one per model at a time, so two
 * people cannot interleave) and waits for it. The workflow's history is the audit record.
 */
export async function runManualPromotion(
  client: Client,
  settings: Settings,
  input: ManualPromotionInputV1,
): Promise<ManualPromotionOutcomeV1> {
  const workflowId = manualPromotionWorkflowId(input.modelName);
  try {
    const handle = await client.workflow.start<typeof manualPromotion>(MANUAL_PROMOTION_WORKFLOW, {
      taskQueue: settings.temporal.taskQueue,
      workflowId,
      args: [input],
      typedSearchAttributes: [
        { key: searchAttributes.modelName, value: input.modelName },
        { key: searchAttributes.pipelineStage, value: input.action === 'rollback' ? 'rollback' : 'manual-promotion' },
      ],
    });
    return await handle.result();
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new UserError(`a promotion of ${input.modelName} is already running (${workflowId})`);
    throw err;
  }
}

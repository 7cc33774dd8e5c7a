import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import {
  DEFAULT_DRIFT_WINDOW,
  type DriftCheckRequestV1,
  type DriftCorrectionInputV1,
  type DriftTrigger,
} from '../../contracts/drift-correction';
import { signalWithStartDriftCheck, type DriftCorrectionHandle } from '../../starters/drift';
import type { DriftPolicyV1 } from '../../drift';

export interface DriftCheckOptions {
  taskQueue: string;
  modelName: string;
  trigger: DriftTrigger;
  reason: string;
  window?: number;
  policy?: Partial<DriftPolicyV1>;
  batchId?: string;
  /** Idempotency key: the same id twice is one request (a retried trigger). Default: a fresh one. */
  requestId?: string;
}

export function driftCorrectionInput(options: Omit<DriftCheckOptions, 'taskQueue'>): DriftCorrectionInputV1 {
  const request: DriftCheckRequestV1 = {
    requestId: options.requestId ?? randomUUID(),
    trigger: options.trigger,
    reason: options.reason,
    ...(options.batchId !== undefined && { batchId: options.batchId }),
  };
  return {
    version: 1,
    modelName: options.modelName,
    request,
    window: options.window ?? DEFAULT_DRIFT_WINDOW,
    ...(options.policy && { policy: options.policy }),
  };
}

/**
 * Asks for a drift check of a model: starts driftCorrection (`drift-<model>`), or, when one is
 * running, signals it so the request is served by its single follow-up run.
 */
export function signalDriftCheck(client: Client, options: DriftCheckOptions): Promise<DriftCorrectionHandle> {
  return signalWithStartDriftCheck(client, options.taskQueue, driftCorrectionInput(options));
}

export type { DriftCorrectionHandle } from '../../starters/drift';
export { driftMemo, signalWithStartDriftCheck } from '../../starters/drift';

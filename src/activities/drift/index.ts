import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { DriftCorrectionInputV1 } from '../../contracts/drift-correction';
import type { Settings } from '../../config/settings';
import type { ModelRegistry } from '../../model';
import type { Notification, Notifier } from '../../notify/notifier';
import type { ObjectStore } from '../../storage/object-store';
import { createComputeBaseline, createEnsureBaseline, DEFAULT_BASELINE_OPTIONS, type BaselineOptions } from './baseline';
import { createComputeBatchStatistics } from './batch-statistics';
import { createRequestDriftCheckIfDue } from './drift-check-trigger';
import { signalWithStartDriftCheck } from './request-drift-check';
import { createStartRetraining } from './retraining';
import { createDriftStateActivities } from './state';
import type { WriteDriftReportInput } from './types';
import { createCollectDriftWindow, createCompareDriftWindow } from './window';

export interface DriftDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
  notifier: Notifier;
  /** For signal-with-start of driftCorrection and continuousTraining. Default: the worker's client. */
  client?: Client;
  /** Task queue and limits for training requests. Default: built-in defaults on the activity's task queue. */
  settings?: Settings;
  /** Task queue driftCorrection runs on. Default: settings.temporal.taskQueue, else the activity's. */
  taskQueue?: string;
  baseline?: Partial<BaselineOptions>;
}

/** Drift detection's activities: baselines and batch statistics (called by training and ingest) and driftCorrection's. */
export function createDriftActivities(deps: DriftDependencies) {
  const baselineOptions: BaselineOptions = { ...DEFAULT_BASELINE_OPTIONS, ...deps.baseline };
  return {
    computeBaseline: createComputeBaseline(deps.store, deps.registry, baselineOptions),
    computeBatchStatistics: createComputeBatchStatistics(deps.store, deps.registry, baselineOptions),
    requestDriftCheckIfDue: createRequestDriftCheckIfDue({
      store: deps.store,
      client: deps.client,
      taskQueue: deps.taskQueue ?? deps.settings?.temporal.taskQueue,
    }),
    ensureBaseline: createEnsureBaseline(deps.store, deps.registry, baselineOptions),
    collectDriftWindow: createCollectDriftWindow(deps.store),
    compareDriftWindow: createCompareDriftWindow(deps.store, deps.registry),
    ...createDriftStateActivities(deps.store),
    startRetraining: createStartRetraining(deps),
    /** A scheduled fire's check, handed to `drift-<model>` (signal-with-start; the fire's id is the request id). */
    async submitDriftCheck(input: DriftCorrectionInputV1): Promise<{ workflowId: string }> {
      const context = Context.current();
      const taskQueue = deps.taskQueue ?? deps.settings?.temporal.taskQueue ?? context.info.taskQueue;
      const handle = await signalWithStartDriftCheck(deps.client ?? context.client, taskQueue, input);
      return { workflowId: handle.workflowId };
    },
    async writeDriftReport({ key, report }: WriteDriftReportInput): Promise<{ key: string }> {
      await deps.store.put(key, JSON.stringify(report, null, 2) + '\n', { contentType: 'application/json' });
      return { key };
    },
    async publishDriftAlert(notification: Notification): Promise<void> {
      await deps.notifier.publish(notification);
    },
  };
}

export type DriftActivities = ReturnType<typeof createDriftActivities>;
export type * from './types';

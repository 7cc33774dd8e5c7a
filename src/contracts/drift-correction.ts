import type { AssessedStatisticV1, DriftDecision, DriftPolicyV1 } from '../drift/policy';
import type { TrainingDataV1 } from './continuous-training';

/** Message contracts of the driftCorrection workflow (keys, counts, figures; never document text). */

export type DriftTrigger = 'batches' | 'schedule' | 'manual';

export interface DriftCheckRequestV1 {
  /** Makes a request idempotent: signalWithStart delivers the starting request as a signal too. */
  requestId: string;
  trigger: DriftTrigger;
  reason: string;
  /** The batch whose arrival made the check due (trigger 'batches'). */
  batchId?: string;
}

export interface DriftCorrectionInputV1 {
  version: 1;
  modelName: string;
  request: DriftCheckRequestV1;
  /** How many of the model's most recent scored batches to compare with its baseline. */
  window: number;
  /** Overrides of DEFAULT_DRIFT_POLICY (thresholds, cooldown). */
  policy?: Partial<DriftPolicyV1>;
}

export type DriftActionV1 =
  | { type: 'alert'; event: 'drift.warning' | 'drift.detected' }
  | { type: 'retrain' | 'tune'; workflowId: string; runId: string; data: TrainingDataV1 }
  | { type: 'suppressed'; reason: 'cooldown'; until: string | null; lastRetrainAt: string | null };

export interface DriftWindowV1 {
  batches: string[];
  documents: number;
  labelled: number;
}

export interface DriftCorrectionResultV1 {
  version: 1;
  workflowId: string;
  runId: string;
  modelName: string;
  /** The version that scored the window (null when no batch was found). */
  modelVersion: string | null;
  baselineKey: string | null;
  decision: DriftDecision;
  reasons: string[];
  statistics: AssessedStatisticV1[];
  actions: DriftActionV1[];
  /** drift/<runId>.json: everything above plus the policy and the window's batch keys. */
  reportKey: string;
  window: DriftWindowV1;
  /** Requests that arrived during this run are served by one follow-up run (continue-as-new). */
  followUp: boolean;
}

/** The stored report: the result plus what it was judged with. */
export interface DriftReportV1 extends Omit<DriftCorrectionResultV1, 'version'> {
  schemaVersion: 1;
  request: DriftCheckRequestV1;
  policy: DriftPolicyV1;
  checkedAt: string;
  statisticsKeys: string[];
  cooldown: { active: boolean; until: string | null; lastRetrainAt: string | null };
}

export interface DriftStatusV1 {
  phase: 'collecting' | 'baseline' | 'comparing' | 'deciding' | 'acting' | 'done';
  request: DriftCheckRequestV1;
  pendingFollowUp: boolean;
  decision?: DriftDecision;
}

/** What a Schedule fire starts: a short workflow that hands its check to `drift-<model>`. */
export interface ScheduledDriftCheckInputV1 {
  version: 1;
  scheduleId: string;
  check: DriftCorrectionInputV1;
}

export const DRIFT_CORRECTION_WORKFLOW = 'driftCorrection';
export const SCHEDULED_DRIFT_CHECK_WORKFLOW = 'scheduledDriftCheck';
export const driftScheduleId = (modelName: string) => `drift-schedule-${modelName}`;
export const driftSignals = { requestCheck: 'requestDriftCheck' } as const;
export const driftQueries = { status: 'driftStatus' } as const;
export const driftWorkflowId = (modelName: string) => `drift-${modelName}`;
export const DEFAULT_DRIFT_WINDOW = 5;
export const MAX_DRIFT_WINDOW = 200;

export const driftFailureTypes = {
  /** The model version has no baseline and none can be computed (no training shards found). */
  baselineUnavailable: 'BaselineUnavailable',
  invalidPolicy: 'InvalidDriftPolicy',
  invalidInput: 'InvalidDriftInput',
  /** A statistics document is unreadable or was binned differently from the baseline. */
  invalidStatistics: 'InvalidDriftStatistics',
} as const;

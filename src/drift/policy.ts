import type { DistributionComparisonV1, PerformanceComparisonV1, RateComparisonV1, StatisticComparisonV1, StatisticName } from './compare';

/**
 * The decision policy of driftCorrection: pure and deterministic, so the workflow itself runs it
 * (its inputs and outputs land in history and in the report).
 */
export interface DriftPolicyV1 {
  /** PSI above which a distribution counts as shifted (warn) / drifted (retrain). */
  psiWarn: number;
  psiDrift: number;
  /**
   * A PSI shift also needs the chi-square test of homogeneity to reject "same distribution" at this
   * level: small windows have noisy PSI (its expected value under no shift is about
   * (bins - 1) (1/n_baseline + 1/n_window)), and the test knows the sample sizes.
   */
  alpha: number;
  /** Fewer window documents than this: statistics are reported as insufficient-data, never acted on. */
  minDocuments: number;
  /** Warn when the OOV rate rises by more than this (absolute) over the baseline's held-out rate. */
  oovIncrease: number;
  /** Warn when an empty / duplicate / unreadable rate rises by more than this (absolute). */
  qualityIncrease: number;
  /** Retrain (tune) when macro F1 on labelled rows is this much below the model's recorded figure. */
  macroF1Drop: number;
  /** Warn when accuracy on labelled rows is this much below the model's recorded figure. */
  accuracyDrop: number;
  /** Labelled rows needed before accuracy and macro F1 are judged. */
  minLabelled: number;
  /** After a retraining was started, further drift alerts but does not retrain for this long. */
  cooldownMs: number;
}

export const DEFAULT_DRIFT_POLICY: Readonly<DriftPolicyV1> = Object.freeze({
  psiWarn: 0.1,
  psiDrift: 0.2,
  alpha: 0.01,
  minDocuments: 100,
  oovIncrease: 0.1,
  qualityIncrease: 0.05,
  macroF1Drop: 0.03,
  accuracyDrop: 0.03,
  minLabelled: 50,
  cooldownMs: 24 * 60 * 60 * 1000,
});

/** Applies overrides to the defaults and checks them; throws RangeError on a nonsensical policy. */
export function resolveDriftPolicy(overrides: Partial<DriftPolicyV1> = {}): DriftPolicyV1 {
  const policy: DriftPolicyV1 = { ...DEFAULT_DRIFT_POLICY };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof DriftPolicyV1, unknown]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_DRIFT_POLICY)) throw new RangeError(`unknown drift policy setting ${JSON.stringify(key)}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new RangeError(`drift policy ${key} must be a finite number >= 0`);
    policy[key] = value;
  }
  if (policy.psiWarn > policy.psiDrift) throw new RangeError(`psiWarn (${policy.psiWarn}) must not exceed psiDrift (${policy.psiDrift})`);
  if (policy.alpha <= 0 || policy.alpha > 1) throw new RangeError(`alpha must be in (0, 1], got ${policy.alpha}`);
  return policy;
}

export type StatisticStatus = 'ok' | 'warn' | 'drift' | 'insufficient-data';

export type AssessedStatisticV1 = StatisticComparisonV1 & {
  status: StatisticStatus;
  /** The thresholds this statistic was judged against. */
  thresholds: Record<string, number>;
  /** One line for people: the figures and why they got this status. */
  note: string;
};

const f = (x: number | null, digits = 4) => (x === null ? 'n/a' : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}%`);
const p = (x: number) => (x < 1e-4 ? x.toExponential(2) : x.toFixed(4));

function assessDistribution(s: DistributionComparisonV1, policy: DriftPolicyV1): AssessedStatisticV1 {
  const thresholds = { psiWarn: policy.psiWarn, psiDrift: policy.psiDrift, alpha: policy.alpha, minDocuments: policy.minDocuments };
  if (s.psi === null || s.chiSquare === null || s.windowN < policy.minDocuments) {
    return {
      ...s,
      status: 'insufficient-data',
      thresholds,
      note: `${s.name}: ${s.windowN} window documents, ${s.baselineN} baseline (needs ${policy.minDocuments})`,
    };
  }
  const significant = s.chiSquare.pValue < policy.alpha;
  const status: StatisticStatus = significant && s.psi > policy.psiDrift ? 'drift' : significant && s.psi > policy.psiWarn ? 'warn' : 'ok';
  return {
    ...s,
    status,
    thresholds,
    note: `${s.name}: PSI ${f(s.psi)}, JS distance ${f(s.jsDistance)}, chi-square ${f(s.chiSquare.statistic, 2)} (dof ${s.chiSquare.dof}, p ${p(s.chiSquare.pValue)})`,
  };
}

function assessRate(s: RateComparisonV1, policy: DriftPolicyV1): AssessedStatisticV1 {
  const limit = s.name === 'oovRate' ? policy.oovIncrease : policy.qualityIncrease;
  const thresholds = { maxIncrease: limit, minDocuments: policy.minDocuments };
  if (s.change === null || (s.name !== 'oovRate' && s.windowN < policy.minDocuments)) {
    return { ...s, status: 'insufficient-data', thresholds, note: `${s.name}: not measurable (${s.windowN} window rows)` };
  }
  return {
    ...s,
    status: s.change > limit ? 'warn' : 'ok',
    thresholds,
    note: `${s.name}: ${pct(s.window)} vs baseline ${pct(s.baseline)} (${s.change >= 0 ? '+' : ''}${(100 * s.change).toFixed(2)} points)`,
  };
}

function assessPerformance(s: PerformanceComparisonV1, policy: DriftPolicyV1): AssessedStatisticV1 {
  const limit = s.name === 'macroF1' ? policy.macroF1Drop : policy.accuracyDrop;
  const thresholds = { maxDrop: limit, minLabelled: policy.minLabelled };
  if (s.drop === null || s.labelled < policy.minLabelled) {
    return {
      ...s,
      status: 'insufficient-data',
      thresholds,
      note: `${s.name}: ${s.labelled} labelled rows (needs ${policy.minLabelled})${s.reference === null ? ', no recorded figure' : ''}`,
    };
  }
  const exceeded = s.drop > limit;
  return {
    ...s,
    // Only macro F1 retrains: accuracy hides minority-class collapse and would double-count.
    status: exceeded ? (s.name === 'macroF1' ? 'drift' : 'warn') : 'ok',
    thresholds,
    note: `${s.name}: ${pct(s.window)} on ${s.labelled} labelled rows vs recorded ${pct(s.reference)} (${(100 * s.drop).toFixed(2)} points lower)`,
  };
}

export function assessStatistics(statistics: readonly StatisticComparisonV1[], policy: DriftPolicyV1): AssessedStatisticV1[] {
  return statistics.map((s) =>
    s.kind === 'distribution' ? assessDistribution(s, policy) : s.kind === 'rate' ? assessRate(s, policy) : assessPerformance(s, policy),
  );
}

export type DriftDecision = 'none' | 'warn' | 'retrain' | 'tune';

/** What the model's drift state says about the last retraining drift started. */
export interface CooldownInput {
  lastRetrainAt: string | null;
}

export interface DriftDecisionV1 {
  decision: DriftDecision;
  reasons: string[];
  /** Statistics with status drift / warn. */
  drifted: StatisticName[];
  warned: StatisticName[];
  /** True when the decision asks for retraining and the cooldown allows it. */
  retrain: boolean;
  tune: boolean;
  cooldown: { active: boolean; until: string | null; lastRetrainAt: string | null };
}

/**
 * - any distribution (predicted class mix, text length, token count, sentiment, confidence) in
 *   drift: `retrain` on fresh data, because what the model sees has changed;
 * - otherwise macro F1 in drift: `tune` (retraining with a hyperparameter search): inputs and the
 *   predicted class mix are stable, so the data is not new, the model is just doing worse on it;
 * - otherwise any warning (PSI between the thresholds, OOV or quality-rate jumps, accuracy drop):
 *   `warn`, an alert only;
 * - otherwise `none`.
 * Retrain and tune start training only outside the cooldown; inside it they alert.
 */
export function decideDrift(
  assessed: readonly AssessedStatisticV1[],
  policy: DriftPolicyV1,
  cooldown: CooldownInput,
  nowMs: number,
): DriftDecisionV1 {
  const drifted = assessed.filter((s) => s.status === 'drift');
  const warned = assessed.filter((s) => s.status === 'warn');
  const distributionDrift = drifted.filter((s) => s.kind === 'distribution');
  const performanceDrift = drifted.filter((s) => s.kind === 'performance');

  let decision: DriftDecision = 'none';
  const reasons: string[] = [];
  if (distributionDrift.length > 0) {
    decision = 'retrain';
    reasons.push(`distribution drift (PSI > ${policy.psiDrift}, p < ${policy.alpha}): ${distributionDrift.map((s) => s.note).join('; ')}`);
    if (performanceDrift.length > 0) reasons.push(`performance drop: ${performanceDrift.map((s) => s.note).join('; ')}`);
  } else if (performanceDrift.length > 0) {
    decision = 'tune';
    reasons.push(`performance drop with stable inputs and class mix: ${performanceDrift.map((s) => s.note).join('; ')}`);
  } else if (warned.length > 0) {
    decision = 'warn';
  }
  if (warned.length > 0) reasons.push(`warnings: ${warned.map((s) => s.note).join('; ')}`);
  if (decision === 'none') reasons.push('no statistic crossed its threshold');

  const last = cooldown.lastRetrainAt === null ? NaN : Date.parse(cooldown.lastRetrainAt);
  const untilMs = Number.isFinite(last) ? last + policy.cooldownMs : NaN;
  const active = Number.isFinite(untilMs) && nowMs < untilMs;
  const wantsTraining = decision === 'retrain' || decision === 'tune';
  if (wantsTraining && active) {
    reasons.push(
      `retraining suppressed: cooldown after the retraining of ${cooldown.lastRetrainAt} lasts until ${new Date(untilMs).toISOString()}`,
    );
  }
  return {
    decision,
    reasons,
    drifted: drifted.map((s) => s.name),
    warned: warned.map((s) => s.name),
    retrain: wantsTraining && !active,
    tune: decision === 'tune',
    cooldown: { active, until: Number.isFinite(untilMs) ? new Date(untilMs).toISOString() : null, lastRetrainAt: cooldown.lastRetrainAt },
  };
}

import type { MetricSummaryV1, PromotionPolicyV1 } from '../contracts/continuous-training';

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const DEFAULT_CHANCE_Z = 3;

export interface ChanceTest {
  /** Mean recall over the labels present in the held-out set. */
  balancedAccuracy: number;
  /** 1/k: what any predictor that ignores the text scores in expectation (majority class or guessing). */
  chance: number;
  /** Upper bound of the standard deviation of that chance score on this many rows per label. */
  sd: number;
  /** (balancedAccuracy - chance) / sd; NaN when fewer than two labels are present. */
  z: number;
}

/**
 * How far above chance a model is. Beating the majority baseline on macro F1 is not enough: on
 * balanced classes the majority predictor scores 1/k F1 on one class and 0 on the others (macro F1
 * 0.33 for two), while a model trained on shuffled labels guesses and scores about 0.5. Balanced
 * accuracy has the same expectation, 1/k, for every predictor independent of the truth; with n_c
 * held-out rows of label c each recall is a binomial proportion, so its standard deviation is at
 * most sqrt(sum_c 1 / (4 n_c)) / k.
 */
export function chanceTest(metrics: MetricSummaryV1): ChanceTest {
  const labels = Object.keys(metrics.recall);
  const support = metrics.support;
  // Labels the model knows but the held-out rows lack have no recall to speak of.
  const present = support ? labels.filter((label) => (support[label] ?? 0) > 0) : labels;
  const k = present.length;
  const balancedAccuracy = k === 0 ? 0 : present.reduce((sum, label) => sum + metrics.recall[label], 0) / k;
  const chance = k === 0 ? 1 : 1 / k;
  const rows = (label: string) => (support ? support[label] : metrics.testRows / Math.max(1, k));
  const sd = k === 0 ? Infinity : Math.sqrt(present.reduce((sum, label) => sum + 1 / (4 * rows(label)), 0)) / k;
  return { balancedAccuracy, chance, sd, z: k < 2 ? NaN : (balancedAccuracy - chance) / sd };
}

/**
 * Champion/challenger. The challenger must first be clearly better than chance (balanced
 * accuracy `minChanceZ` standard deviations above 1/k: with 3, a model that learned nothing, such
 * as one trained on shuffled labels, passes about once in a thousand runs). Then it replaces the
 * champion only when it is better on the policy's metric by more than the margin and no class's
 * recall falls by more than the tolerance; with no champion yet, the bar is the majority-class
 * baseline. Both are scored on the same held-out rows. Pure and deterministic: the workflow calls
 * it directly.
 */
export function decidePromotion(
  challenger: MetricSummaryV1,
  champion: MetricSummaryV1 | null,
  baseline: MetricSummaryV1,
  policy: PromotionPolicyV1,
): PromotionDecision {
  const chance = chanceTest(challenger);
  const minZ = policy.minChanceZ ?? DEFAULT_CHANCE_Z;
  if (!(chance.z >= minZ)) {
    return {
      promote: false,
      reason: Number.isNaN(chance.z)
        ? 'the held-out set has fewer than two labels, so the challenger cannot be told from chance'
        : `balanced accuracy ${pct(chance.balancedAccuracy)} is not clearly above chance (${pct(chance.chance)}; ` +
          `z = ${chance.z.toFixed(2)} < ${minZ} on ${challenger.testRows} held-out rows)`,
    };
  }

  const metric = policy.metric;
  const reference = champion ?? baseline;
  const against = champion ? 'the champion' : 'the majority-class baseline';
  const gain = challenger[metric] - reference[metric];
  if (!(gain > policy.minImprovement)) {
    return {
      promote: false,
      reason: `${metric} ${pct(challenger[metric])} does not beat ${against} (${pct(reference[metric])}) by more than ${pct(policy.minImprovement)}`,
    };
  }
  if (champion) {
    for (const [label, recall] of Object.entries(champion.recall)) {
      // A label absent from the held-out rows has recall 0 for both: nothing to compare.
      if (champion.support && !(champion.support[label] > 0)) continue;
      const drop = recall - (challenger.recall[label] ?? 0);
      if (drop > policy.maxRecallDrop) {
        return { promote: false, reason: `recall of "${label}" drops by ${pct(drop)} (tolerance ${pct(policy.maxRecallDrop)})` };
      }
    }
  }
  return { promote: true, reason: `${metric} ${pct(challenger[metric])} beats ${against} (${pct(reference[metric])})` };
}

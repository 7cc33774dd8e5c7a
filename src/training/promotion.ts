import type { MetricSummaryV1, PromotionPolicyV1 } from '../contracts/continuous-training';

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * Champion/challenger: the challenger replaces the champion only when it is better on the policy's
 * metric by more than the margin and no class's recall falls by more than the tolerance. With no
 * champion yet, the bar is the majority-class baseline, so a model that learned nothing (shuffled
 * labels, say) is never promoted. Pure and deterministic: the workflow calls it directly.
 */
export function decidePromotion(
  challenger: MetricSummaryV1,
  champion: MetricSummaryV1 | null,
  baseline: MetricSummaryV1,
  policy: PromotionPolicyV1,
): PromotionDecision {
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
      const drop = recall - (challenger.recall[label] ?? 0);
      if (drop > policy.maxRecallDrop) {
        return { promote: false, reason: `recall of "${label}" drops by ${pct(drop)} (tolerance ${pct(policy.maxRecallDrop)})` };
      }
    }
  }
  return { promote: true, reason: `${metric} ${pct(challenger[metric])} beats ${against} (${pct(reference[metric])})` };
}

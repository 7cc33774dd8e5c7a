import type { ContinuousTrainingInputV1, TrainingRequestSettingsV1, TrainingRequestV1 } from '../contracts/continuous-training';

/**
 * Requests that arrive while `train-<model>` runs coalesce into one follow-up request: the union of
 * their data, tuning if any asked, and their explicit settings merged (later requests win key by
 * key for config, policy and tuning options; the largest tuning budget wins).
 */
export function mergeRequests(a: TrainingRequestV1, b: TrainingRequestV1): TrainingRequestV1 {
  const settings = mergeSettings(a.settings, b.settings);
  return {
    requestId: b.requestId,
    trigger: b.trigger,
    tune: a.tune || b.tune,
    reason: `${a.reason}; ${b.reason}`,
    data: {
      keys: [...new Set([...(a.data.keys ?? []), ...(b.data.keys ?? [])])],
      prefixes: [...new Set([...(a.data.prefixes ?? []), ...(b.data.prefixes ?? [])])],
      columns: b.data.columns ?? a.data.columns,
    },
    ...(settings && { settings }),
  };
}

function mergeSettings(
  a: TrainingRequestSettingsV1 | undefined,
  b: TrainingRequestSettingsV1 | undefined,
): TrainingRequestSettingsV1 | undefined {
  if (!a || !b) return a ?? b;
  const budget = Math.max(a.tuningBudget ?? 0, b.tuningBudget ?? 0);
  return {
    ...a,
    ...b,
    ...((a.config || b.config) && { config: { ...a.config, ...b.config } }),
    ...((a.policy || b.policy) && { policy: { ...a.policy, ...b.policy } }),
    ...((a.tuning || b.tuning) && { tuning: { ...a.tuning, ...b.tuning } }),
    ...(budget > 0 && { tuningBudget: budget }),
  };
}

/**
 * The follow-up run's input: this run's, with the follow-up request and what its settings ask
 * for merged in. The held-out split (testFraction, seed) stays this model's: a request that asked
 * for another one gets it listed in `request.ignored`, which the follow-up run reports in its outcome.
 */
export function followUpInput(input: ContinuousTrainingInputV1, followUp: TrainingRequestV1): ContinuousTrainingInputV1 {
  const s = followUp.settings;
  const ignored: string[] = [];
  if (s?.testFraction !== undefined && s.testFraction !== input.testFraction)
    ignored.push(`testFraction ${s.testFraction} (the model's runs keep ${input.testFraction})`);
  if (s?.seed !== undefined && s.seed !== input.seed) ignored.push(`seed ${s.seed} (the model's runs keep ${input.seed})`);
  return {
    ...input,
    request: { ...followUp, ...(ignored.length > 0 && { ignored }) },
    ...(s?.config && { config: { ...input.config, ...s.config } }),
    ...(s?.policy && { policy: { ...input.policy, ...s.policy } }),
    ...(s?.tuningBudget !== undefined && { tuningBudget: Math.max(s.tuningBudget, input.tuningBudget) }),
    ...(s?.tuning && { tuning: { ...input.tuning, ...s.tuning } }),
  };
}

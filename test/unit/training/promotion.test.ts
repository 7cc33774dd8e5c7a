import assert from 'node:assert/strict';
import { DEFAULT_PROMOTION_POLICY, type MetricSummaryV1 } from '../../../src/contracts/continuous-training';
import { chanceTest, decidePromotion } from '../../../src/training/promotion';

/** A two-class summary on `rows` held-out rows split evenly, with the given recalls. */
function summary(
  recallSpam: number,
  recallHam: number,
  macroF1: number,
  rows = 200,
  accuracy = (recallSpam + recallHam) / 2,
): MetricSummaryV1 {
  return { accuracy, macroF1, recall: { spam: recallSpam, ham: recallHam }, support: { spam: rows / 2, ham: rows / 2 }, testRows: rows };
}

// The majority-class predictor: all "ham".
const baseline = summary(0, 1, 1 / 3);
const policy = DEFAULT_PROMOTION_POLICY;

describe('decidePromotion', () => {
  it('promotes a first model that clearly beats chance and the majority baseline', () => {
    const d = decidePromotion(summary(0.95, 0.97, 0.96), null, baseline, policy);
    assert.equal(d.promote, true);
    assert.match(d.reason, /beats the majority-class baseline/);
  });

  it('does not promote a first model at chance level even though its macro F1 beats the majority baseline', () => {
    // What training on shuffled labels looks like: guesses, macro F1 about 0.5 > 0.33.
    const guesser = summary(0.52, 0.5, 0.51);
    assert.ok(guesser.macroF1 > baseline.macroF1);
    const d = decidePromotion(guesser, null, baseline, policy);
    assert.equal(d.promote, false);
    assert.match(d.reason, /not clearly above chance/);
  });

  it('does not promote a challenger worse than the champion', () => {
    const d = decidePromotion(summary(0.85, 0.9, 0.87), summary(0.95, 0.97, 0.96), baseline, policy);
    assert.equal(d.promote, false);
    assert.match(d.reason, /does not beat the champion/);
  });

  it('promotes a challenger better than the champion', () => {
    const d = decidePromotion(summary(0.95, 0.97, 0.96), summary(0.85, 0.9, 0.87), baseline, policy);
    assert.equal(d.promote, true);
    assert.match(d.reason, /beats the champion/);
  });

  it('requires more than the minimum improvement', () => {
    const champion = summary(0.9, 0.9, 0.9);
    assert.equal(decidePromotion(summary(0.91, 0.91, 0.91), champion, baseline, { ...policy, minImprovement: 0.02 }).promote, false);
    assert.equal(decidePromotion(summary(0.93, 0.93, 0.93), champion, baseline, { ...policy, minImprovement: 0.02 }).promote, true);
    // Equal is not better.
    assert.equal(decidePromotion(champion, champion, baseline, policy).promote, false);
  });

  it("rejects a better macro F1 that costs one class's recall beyond the tolerance", () => {
    const d = decidePromotion(summary(0.8, 1, 0.95), summary(0.95, 0.9, 0.93), baseline, policy);
    assert.equal(d.promote, false);
    assert.match(d.reason, /recall of "spam" drops by 15.00%/);
  });

  it('ignores labels absent from the held-out rows when comparing recalls', () => {
    const champion: MetricSummaryV1 = {
      ...summary(0.9, 0.9, 0.9),
      recall: { spam: 0.9, ham: 0.9, other: 0 },
      support: { spam: 100, ham: 100, other: 0 },
    };
    assert.equal(decidePromotion(summary(0.95, 0.95, 0.95), champion, baseline, policy).promote, true);
  });

  it('compares on accuracy when the policy says so', () => {
    const challenger = summary(0.9, 0.9, 0.8, 200, 0.95);
    const champion = summary(0.9, 0.9, 0.9, 200, 0.9);
    assert.equal(decidePromotion(challenger, champion, baseline, { ...policy, metric: 'macroF1' }).promote, false);
    assert.equal(decidePromotion(challenger, champion, baseline, { ...policy, metric: 'accuracy' }).promote, true);
  });

  it('cannot tell a model from chance on a single-label held-out set', () => {
    const oneLabel: MetricSummaryV1 = { accuracy: 1, macroF1: 1, recall: { spam: 1 }, support: { spam: 50 }, testRows: 50 };
    const d = decidePromotion(oneLabel, null, { ...oneLabel, macroF1: 0.5 }, policy);
    assert.equal(d.promote, false);
    assert.match(d.reason, /fewer than two labels/);
  });
});

describe('chanceTest', () => {
  it('puts chance at 1/k with a binomial bound on the spread', () => {
    const t = chanceTest(summary(0.5, 0.5, 0.5, 200));
    assert.equal(t.chance, 0.5);
    assert.equal(t.balancedAccuracy, 0.5);
    // sqrt(1/400 + 1/400) / 2
    assert.ok(Math.abs(t.sd - Math.sqrt(2 / 400) / 2) < 1e-12);
    assert.equal(t.z, 0);
  });

  it('lets a random guesser through about as rarely as the z threshold says', () => {
    // Simulate guessers on 60 held-out rows (30 per class): P(z >= 3) is about 0.1%.
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let passed = 0;
    const trials = 5000;
    for (let t = 0; t < trials; t++) {
      let hitsA = 0;
      let hitsB = 0;
      for (let i = 0; i < 30; i++) if (random() < 0.5) hitsA++;
      for (let i = 0; i < 30; i++) if (random() >= 0.5) hitsB++;
      if (chanceTest(summary(hitsA / 30, hitsB / 30, 0.5, 60)).z >= 3) passed++;
    }
    assert.ok(passed / trials < 0.005, `${passed} of ${trials} guessers passed`);
  });

  it('falls back to an even split when a summary has no support (older runs)', () => {
    const { support: _, ...old } = summary(0.9, 0.9, 0.9, 100);
    assert.ok(Math.abs(chanceTest(old).sd - chanceTest(summary(0.9, 0.9, 0.9, 100)).sd) < 1e-12);
  });
});

import assert from 'node:assert/strict';
import {
  assessStatistics,
  chiSquareHomogeneity,
  decideDrift,
  DEFAULT_DRIFT_POLICY,
  jensenShannonDistance,
  populationStabilityIndex,
  resolveDriftPolicy,
  type DistributionComparisonV1,
  type DistributionName,
  type PerformanceComparisonV1,
  type RateComparisonV1,
  type StatisticComparisonV1,
} from '../../../src/drift';

function dist(name: DistributionName, baseline: number[], window: number[]): DistributionComparisonV1 {
  return {
    name,
    kind: 'distribution',
    bins: baseline.map((_, i) => `b${i}`),
    baseline,
    window,
    baselineN: baseline.reduce((a, b) => a + b, 0),
    windowN: window.reduce((a, b) => a + b, 0),
    psi: populationStabilityIndex(baseline, window),
    jsDistance: jensenShannonDistance(baseline, window),
    chiSquare: chiSquareHomogeneity(baseline, window),
  };
}

function rate(name: RateComparisonV1['name'], baseline: number, window: number): RateComparisonV1 {
  return { name, kind: 'rate', baseline, window, change: window - baseline, windowN: 1000 };
}

function perf(name: PerformanceComparisonV1['name'], reference: number, window: number, labelled = 500): PerformanceComparisonV1 {
  return { name, kind: 'performance', reference, window, drop: reference - window, labelled, referenceSource: 'metrics.json' };
}

/** A healthy window: every statistic close to its baseline. */
function stable(): StatisticComparisonV1[] {
  return [
    dist('predictedClassMix', [5000, 5000], [505, 495]),
    dist('textLength', [100, 2000, 3000, 2000, 900], [11, 198, 305, 196, 90]),
    dist('tokenCount', [100, 2000, 3000, 2000, 900], [9, 204, 297, 199, 91]),
    dist('sentiment', [3000, 4000, 3000], [295, 410, 295]),
    dist('confidence', [500, 1500, 8000], [52, 148, 800]),
    rate('oovRate', 0.05, 0.06),
    rate('emptyRate', 0.01, 0.012),
    rate('duplicateRate', 0, 0.02),
    rate('unreadableRate', 0, 0.001),
    perf('accuracy', 0.95, 0.945),
    perf('macroF1', 0.94, 0.935),
  ];
}

function replace(list: StatisticComparisonV1[], s: StatisticComparisonV1): StatisticComparisonV1[] {
  return list.map((x) => (x.name === s.name ? s : x));
}

const policy = resolveDriftPolicy();
const NOW = Date.parse('2025-06-01T12:00:00Z');
const noCooldown = { lastRetrainAt: null };

describe('drift decision policy', () => {
  it('decides none for an in-distribution window', () => {
    const assessed = assessStatistics(stable(), policy);
    assert.deepEqual(
      assessed.filter((s) => s.status !== 'ok').map((s) => `${s.name}:${s.status}`),
      [],
    );
    const d = decideDrift(assessed, policy, noCooldown, NOW);
    assert.equal(d.decision, 'none');
    assert.equal(d.retrain, false);
  });

  it('retrains when the predicted class mix collapses to one class', () => {
    const assessed = assessStatistics(replace(stable(), dist('predictedClassMix', [5000, 5000], [0, 1000])), policy);
    const mix = assessed.find((s) => s.name === 'predictedClassMix');
    assert.equal(mix?.status, 'drift');
    assert.deepEqual(mix?.thresholds, { psiWarn: 0.1, psiDrift: 0.2, alpha: 0.01, minDocuments: 100 });
    const d = decideDrift(assessed, policy, noCooldown, NOW);
    assert.equal(d.decision, 'retrain');
    assert.equal(d.retrain, true);
    assert.equal(d.tune, false);
    assert.deepEqual(d.drifted, ['predictedClassMix']);
    assert.match(d.reasons[0], /predictedClassMix: PSI \d/);
  });

  it('warns between the PSI thresholds and ignores a large PSI the chi-square test cannot confirm', () => {
    // PSI ≈ 0.15 on 1000 window documents: significant, moderate.
    const moderate = dist('textLength', [5000, 5000], [690, 310]);
    assert.ok((moderate.psi as number) > 0.1 && (moderate.psi as number) < 0.2, `PSI ${moderate.psi}`);
    let d = decideDrift(assessStatistics(replace(stable(), moderate), policy), policy, noCooldown, NOW);
    assert.equal(d.decision, 'warn');
    assert.deepEqual(d.warned, ['textLength']);

    // PSI > 0.2 from 100 documents spread over 10 bins: within sampling noise (p ≈ 0.035 > alpha).
    const noisy = dist('sentiment', [100, 100, 100, 100, 100, 100, 100, 100, 100, 100], [16, 5, 14, 6, 14, 6, 14, 6, 14, 5]);
    assert.ok((noisy.psi as number) > 0.2, `PSI ${noisy.psi}`);
    assert.ok((noisy.chiSquare?.pValue as number) > 0.01, `p ${noisy.chiSquare?.pValue}`);
    d = decideDrift(assessStatistics(replace(stable(), noisy), policy), policy, noCooldown, NOW);
    assert.equal(d.decision, 'none');
  });

  it('reports too-small windows as insufficient data and never acts on them', () => {
    const tiny = dist('predictedClassMix', [5000, 5000], [0, 40]);
    const assessed = assessStatistics(replace(stable(), tiny), policy);
    assert.equal(assessed.find((s) => s.name === 'predictedClassMix')?.status, 'insufficient-data');
    assert.equal(decideDrift(assessed, policy, noCooldown, NOW).decision, 'none');
  });

  it('tunes when macro F1 dropped by more than 3 points while inputs and class mix are stable', () => {
    const assessed = assessStatistics(replace(stable(), perf('macroF1', 0.94, 0.89)), policy);
    const d = decideDrift(assessed, policy, noCooldown, NOW);
    assert.equal(d.decision, 'tune');
    assert.equal(d.tune, true);
    assert.equal(d.retrain, true);
    // With too few labelled rows the same drop is not judged.
    const few = decideDrift(assessStatistics(replace(stable(), perf('macroF1', 0.94, 0.89, 20)), policy), policy, noCooldown, NOW);
    assert.equal(few.decision, 'none');
  });

  it('retrains (not tunes) when the drop comes with a distribution shift', () => {
    const list = replace(replace(stable(), perf('macroF1', 0.94, 0.8)), dist('predictedClassMix', [5000, 5000], [900, 100]));
    const d = decideDrift(assessStatistics(list, policy), policy, noCooldown, NOW);
    assert.equal(d.decision, 'retrain');
    assert.equal(d.tune, false);
    assert.deepEqual(d.drifted.sort(), ['macroF1', 'predictedClassMix']);
  });

  it('warns, without retraining, on OOV and data-quality jumps and on an accuracy drop alone', () => {
    for (const s of [
      rate('oovRate', 0.05, 0.4),
      rate('emptyRate', 0.01, 0.2),
      rate('unreadableRate', 0, 0.08),
      perf('accuracy', 0.95, 0.9),
    ]) {
      const d = decideDrift(assessStatistics(replace(stable(), s), policy), policy, noCooldown, NOW);
      assert.equal(d.decision, 'warn', s.name);
      assert.deepEqual(d.warned, [s.name]);
      assert.equal(d.retrain, false);
    }
  });

  it('inside the cooldown a drift alerts but does not retrain; after it, it retrains again', () => {
    const assessed = assessStatistics(replace(stable(), dist('predictedClassMix', [5000, 5000], [0, 1000])), policy);
    const hourAgo = new Date(NOW - 3600_000).toISOString();
    const inside = decideDrift(assessed, policy, { lastRetrainAt: hourAgo }, NOW);
    assert.equal(inside.decision, 'retrain');
    assert.equal(inside.retrain, false);
    assert.deepEqual(inside.cooldown, {
      active: true,
      until: new Date(NOW - 3600_000 + 24 * 3600_000).toISOString(),
      lastRetrainAt: hourAgo,
    });
    assert.match(inside.reasons.join(' '), /suppressed: cooldown/);
    const dayAgo = new Date(NOW - 25 * 3600_000).toISOString();
    const after = decideDrift(assessed, policy, { lastRetrainAt: dayAgo }, NOW);
    assert.equal(after.retrain, true);
    assert.equal(after.cooldown.active, false);
    const shortCooldown = resolveDriftPolicy({ cooldownMs: 60_000 });
    assert.equal(decideDrift(assessed, shortCooldown, { lastRetrainAt: hourAgo }, NOW).retrain, true);
  });

  it('validates policy overrides', () => {
    assert.deepEqual(resolveDriftPolicy({}), { ...DEFAULT_DRIFT_POLICY });
    assert.equal(resolveDriftPolicy({ psiDrift: 0.3 }).psiDrift, 0.3);
    assert.throws(() => resolveDriftPolicy({ psiWarn: 0.5, psiDrift: 0.2 }), /psiWarn/);
    assert.throws(() => resolveDriftPolicy({ alpha: 0 }), /alpha/);
    assert.throws(() => resolveDriftPolicy({ macroF1Drop: -1 }), /macroF1Drop/);
    assert.throws(() => resolveDriftPolicy({ bogus: 1 } as never), /unknown/);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  chiSquareHomogeneity,
  chiSquareSurvival,
  jensenShannonDistance,
  logGamma,
  populationStabilityIndex,
  PSI_EPSILON,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../../src/drift';
import { repoRoot, venvBin } from '../../../src/util/repo-root';

/** Small deterministic PRNG (xorshift32) so the reference cases are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

interface Pair {
  expected: number[];
  actual: number[];
}

function referenceCases(): Pair[] {
  const cases: Pair[] = [
    { expected: [10, 20], actual: [30, 40] },
    { expected: [50, 50], actual: [25, 75] },
    { expected: [1, 0], actual: [0, 1] },
    { expected: [100, 200, 300], actual: [100, 200, 300] },
    { expected: [500, 500], actual: [400, 0] }, // one class only against a balanced baseline
    { expected: [60000, 40000], actual: [2000, 8000] }, // large samples: p underflows to 0
    { expected: [6000, 4000], actual: [600, 1000] }, // p about 7e-64
    { expected: [6000, 4000, 3000], actual: [600, 1000, 200] }, // p about 1.5e-98
    { expected: [0, 5, 0, 7, 0, 0, 3], actual: [1, 0, 0, 9, 2, 0, 0] }, // zeros on either side and both
    { expected: [3000, 2500, 1200, 600, 200, 50, 5, 0, 0, 1], actual: [20, 40, 80, 160, 200, 100, 30, 10, 5, 0] },
  ];
  const random = rng(20240611);
  for (const k of [2, 3, 5, 8, 12, 20, 50]) {
    for (let repeat = 0; repeat < 3; repeat++) {
      const scale = [50, 1000, 100000][repeat];
      const expected: number[] = Array.from({ length: k }, () => (random() < 0.1 ? 0 : Math.floor(random() * scale)));
      const actual: number[] = expected.map((e) =>
        random() < 0.1 ? 0 : Math.max(0, Math.round(e * (0.5 + random()) * 0.3 + random() * 5)),
      );
      if (!expected.some((e) => e > 0)) expected[0] = 1;
      if (!actual.some((a) => a > 0)) actual[k - 1] = 3;
      cases.push({ expected, actual });
    }
  }
  return cases;
}

function gammaGrid(): Array<[number, number]> {
  const grid: Array<[number, number]> = [];
  for (const a of [0.5, 1, 1.5, 2, 2.5, 3, 4.5, 5, 7.5, 10, 25, 50, 100, 500, 1000, 5000]) {
    const xs = [0, 1e-3, 0.1, 0.5, 1, 0.5 * a, a - 1, a, a + 1, a + 2, 1.5 * a, 2 * a, 5 * a, a + 10 * Math.sqrt(a), 100, 700];
    for (const x of xs) if (x >= 0) grid.push([a, x]);
  }
  return grid;
}

interface Reference {
  distributions: Array<{ psi: number; js: number; chi2: number; dof: number; p: number }>;
  gamma: Array<{ q: number; p: number }>;
}

function relativeError(value: number, reference: number): number {
  if (reference === 0) return Math.abs(value);
  return Math.abs(value - reference) / Math.abs(reference);
}

describe('drift divergences and the incomplete gamma function', () => {
  describe('hand-checked cases', () => {
    it('PSI of 50/50 against 25/75 is ln(3)/4', () => {
      assert.ok(Math.abs(populationStabilityIndex([50, 50], [25, 75]) - Math.log(3) / 4) < 1e-15);
      assert.equal(populationStabilityIndex([3, 4, 5], [6, 8, 10]), 0);
    });

    it('PSI replaces an empty bin by epsilon, and a bin empty on both sides adds nothing', () => {
      // baseline 50/50/0, window 100/0/0: (1 - .5) ln(1/.5) + (eps - .5) ln(eps/.5) + 0
      const expected = 0.5 * Math.log(2) + (PSI_EPSILON - 0.5) * Math.log(PSI_EPSILON / 0.5);
      assert.ok(Math.abs(populationStabilityIndex([50, 50, 0], [100, 0, 0]) - expected) < 1e-15);
      assert.throws(() => populationStabilityIndex([0, 0], [1, 1]), RangeError);
    });

    it('JS distance (base 2) is 0 for equal distributions, 1 for disjoint ones, and symmetric', () => {
      assert.equal(jensenShannonDistance([1, 2, 3], [2, 4, 6]), 0);
      assert.equal(jensenShannonDistance([5, 0], [0, 7]), 1);
      // p = (1/2, 1/2), q = (1, 0): JSD = 1 - (3/4) log2(4/3)... computed from the definition.
      const m = [0.75, 0.25];
      const kl = (p: number[]) => p.reduce((s, pi, i) => (pi > 0 ? s + pi * Math.log2(pi / m[i]) : s), 0);
      const expected = Math.sqrt((kl([0.5, 0.5]) + kl([1, 0])) / 2);
      assert.ok(Math.abs(jensenShannonDistance([1, 1], [1, 0]) - expected) < 1e-15);
      assert.equal(jensenShannonDistance([1, 1], [1, 0]), jensenShannonDistance([1, 0], [1, 1]));
    });

    it('chi-square of the 2x2 table [[10, 20], [30, 40]] is 50/63 with 1 dof', () => {
      // Expected counts 12, 18 / 28, 42: 4/12 + 4/18 + 4/28 + 4/42 = 50/63.
      const r = chiSquareHomogeneity([10, 20], [30, 40]);
      assert.ok(Math.abs(r.statistic - 50 / 63) < 1e-15);
      assert.equal(r.dof, 1);
      // dof 1: p = erfc(sqrt(x/2)) = Q(1/2, x/2)
      assert.ok(Math.abs(r.pValue - regularizedGammaQ(0.5, 25 / 63)) < 1e-16);
      assert.deepEqual(chiSquareHomogeneity([5, 0], [7, 0]), { statistic: 0, dof: 0, pValue: 1 });
    });

    it('Q(a, x) has closed forms for a = 1 and a = 2, and P + Q = 1', () => {
      for (const x of [0.01, 0.5, 1, 2, 3, 10, 50]) {
        assert.ok(relativeError(regularizedGammaQ(1, x), Math.exp(-x)) < 1e-14, `Q(1, ${x})`);
        assert.ok(relativeError(regularizedGammaQ(2, x), (1 + x) * Math.exp(-x)) < 1e-14, `Q(2, ${x})`);
        assert.ok(Math.abs(regularizedGammaP(3.5, x) + regularizedGammaQ(3.5, x) - 1) < 1e-15);
        // chi-square with 2 dof: survival exp(-x / 2)
        assert.ok(relativeError(chiSquareSurvival(x, 2), Math.exp(-x / 2)) < 1e-14);
      }
      assert.equal(regularizedGammaQ(3, 0), 1);
      assert.equal(regularizedGammaQ(3, Infinity), 0);
      assert.throws(() => regularizedGammaQ(0, 1), RangeError);
      assert.throws(() => regularizedGammaQ(1, -1), RangeError);
    });

    it('ln Γ matches factorials and Γ(1/2) = √π', () => {
      let factorial = 1;
      for (let n = 1; n <= 30; n++) {
        assert.ok(Math.abs(logGamma(n + 1) - Math.log((factorial *= n))) < 1e-12 * Math.max(1, Math.log(factorial)), `ln ${n}!`);
      }
      assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-15);
      assert.ok(Math.abs(logGamma(0.1) - 2.252712651734206) < 1e-14); // ln Γ(0.1), by reflection
    });
  });

  describe('against scipy (test/drift-reference/reference.py, the venv python)', function () {
    this.timeout(60_000);
    const cases = referenceCases();
    const grid = gammaGrid();
    let reference: Reference;

    before(() => {
      const stdout = execFileSync(venvBin('python'), [path.join(repoRoot(), 'test', 'drift-reference', 'reference.py')], {
        input: JSON.stringify({ distributions: cases, gamma: grid, psi_epsilon: PSI_EPSILON }),
        encoding: 'utf8',
      });
      reference = JSON.parse(stdout) as Reference;
      assert.equal(reference.distributions.length, cases.length);
      assert.equal(reference.gamma.length, grid.length);
    });

    it(`PSI, JS distance and chi-square (statistic, dof, p) agree to 1e-9 relative on ${referenceCases().length} distribution pairs`, () => {
      const worst = { psi: 0, js: 0, chi2: 0, p: 0 };
      cases.forEach((c, i) => {
        const ref = reference.distributions[i];
        const psi = populationStabilityIndex(c.expected, c.actual);
        const js = jensenShannonDistance(c.expected, c.actual);
        const chi = chiSquareHomogeneity(c.expected, c.actual);
        const errors = {
          psi: Math.abs(psi - ref.psi) / Math.max(1e-12, Math.abs(ref.psi)),
          // sqrt amplifies rounding near 0: compare the distance absolutely there.
          js: ref.js < 1e-6 ? Math.abs(js - ref.js) : relativeError(js, ref.js),
          chi2: ref.chi2 === 0 ? Math.abs(chi.statistic) : relativeError(chi.statistic, ref.chi2),
          p: ref.p < 1e-300 ? Math.abs(chi.pValue) : relativeError(chi.pValue, ref.p),
        };
        for (const k of Object.keys(worst) as Array<keyof typeof worst>) {
          assert.ok(
            errors[k] <= 1e-9,
            `case ${i} ${JSON.stringify(c)}: ${k} ${JSON.stringify({ psi, js, chi })} vs ${JSON.stringify(ref)}`,
          );
          worst[k] = Math.max(worst[k], errors[k]);
        }
        assert.equal(chi.dof, ref.dof, `case ${i}: dof`);
      });
      console.log(`      worst relative error vs scipy: ${JSON.stringify(worst)}`);
    });

    it(`Q(a, x) and P(a, x) agree with scipy gammaincc / gammainc on ${gammaGrid().length} points`, () => {
      let worstQ = 0;
      let worstP = 0;
      grid.forEach(([a, x], i) => {
        const ref = reference.gamma[i];
        const q = regularizedGammaQ(a, x);
        const p = regularizedGammaP(a, x);
        const eq = ref.q < 1e-300 ? Math.abs(q) : relativeError(q, ref.q);
        const ep = ref.p < 1e-300 ? Math.abs(p) : relativeError(p, ref.p);
        assert.ok(eq <= 1e-9, `Q(${a}, ${x}) = ${q}, scipy ${ref.q}`);
        assert.ok(ep <= 1e-9, `P(${a}, ${x}) = ${p}, scipy ${ref.p}`);
        worstQ = Math.max(worstQ, eq);
        worstP = Math.max(worstP, ep);
      });
      console.log(`      worst relative error vs scipy: Q ${worstQ.toExponential(2)}, P ${worstP.toExponential(2)}`);
    });
  });
});

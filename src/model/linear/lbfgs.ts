/**
 * Limited-memory BFGS (Nocedal & Wright, algorithms 7.4 and 7.5) with a line search satisfying the
 * strong Wolfe conditions (algorithms 3.5 and 3.6). Stops like scipy's L-BFGS-B, which
 * scikit-learn's LogisticRegression runs: when the largest gradient component is at most
 * `gradientTolerance`, when the objective's relative decrease falls to `relativeDecrease`, or after
 * `maxIterations`.
 */

export interface LbfgsOptions {
  maxIterations: number;
  gradientTolerance: number;
  /** scipy's ftol; scikit-learn passes 64 machine epsilons. */
  relativeDecrease?: number;
  /** Correction pairs kept (scipy's maxcor). */
  history?: number;
  /** Function evaluations per line search at most (scikit-learn passes maxls=50). */
  maxLineSearch?: number;
  /** Called after each iteration (for heartbeats); return false to stop early. */
  onIteration?: (iteration: number, value: number, gradientMax: number) => boolean | void | Promise<boolean | void>;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradientMax: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: 'gradient' | 'decrease' | 'iterations' | 'line-search' | 'stopped';
}

/** Writes the gradient at x into `gradient` and returns the objective. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

const C1 = 1e-4;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > max) max = v;
  }
  return max;
}

export async function minimizeLbfgs(objective: Objective, start: Float64Array, options: LbfgsOptions): Promise<LbfgsResult> {
  const n = start.length;
  const m = options.history ?? 10;
  const ftol = options.relativeDecrease ?? 64 * Number.EPSILON;
  const maxLineSearch = options.maxLineSearch ?? 50;
  const x = Float64Array.from(start);
  const g = new Float64Array(n);
  let f = objective(x, g);
  let evaluations = 1;
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alphas = new Float64Array(m);
  const direction = new Float64Array(n);
  const trialX = new Float64Array(n);
  const trialG = new Float64Array(n);
  let gMax = maxAbs(g);
  if (gMax <= options.gradientTolerance) {
    return { x, value: f, gradientMax: gMax, iterations: 0, evaluations, converged: true, reason: 'gradient' };
  }

  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    // Two-loop recursion: direction = -H g.
    for (let i = 0; i < n; i++) direction[i] = -g[i];
    for (let j = s.length - 1; j >= 0; j--) {
      alphas[j] = rho[j] * dot(s[j], direction);
      const yj = y[j];
      const a = alphas[j];
      for (let i = 0; i < n; i++) direction[i] -= a * yj[i];
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
      for (let i = 0; i < n; i++) direction[i] *= gamma;
    }
    for (let j = 0; j < s.length; j++) {
      const beta = rho[j] * dot(y[j], direction);
      const sj = s[j];
      const c = alphas[j] - beta;
      for (let i = 0; i < n; i++) direction[i] += c * sj[i];
    }
    let slope = dot(g, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -g[i];
      slope = dot(g, direction);
    }
    // First step of the first iteration: scale like scipy (1 / |g|).
    const initial = s.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    const search = strongWolfe(objective, x, f, g, direction, slope, initial, maxLineSearch, trialX, trialG);
    evaluations += search.evaluations;
    if (!search.ok) {
      return { x, value: f, gradientMax: gMax, iterations: iteration - 1, evaluations, converged: false, reason: 'line-search' };
    }
    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = trialX[i] - x[i];
      yNew[i] = trialG[i] - g[i];
    }
    const previous = f;
    x.set(trialX);
    g.set(trialG);
    f = search.value;
    gMax = maxAbs(g);
    const sy = dot(sNew, yNew);
    if (sy > 1e-10 * Math.sqrt(dot(yNew, yNew)) * Math.sqrt(dot(sNew, sNew))) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    if ((await options.onIteration?.(iteration, f, gMax)) === false) {
      return { x, value: f, gradientMax: gMax, iterations: iteration, evaluations, converged: false, reason: 'stopped' };
    }
    if (gMax <= options.gradientTolerance) {
      return { x, value: f, gradientMax: gMax, iterations: iteration, evaluations, converged: true, reason: 'gradient' };
    }
    if ((previous - f) / Math.max(Math.abs(previous), Math.abs(f), 1) <= ftol) {
      return { x, value: f, gradientMax: gMax, iterations: iteration, evaluations, converged: true, reason: 'decrease' };
    }
  }
  return { x, value: f, gradientMax: gMax, iterations: options.maxIterations, evaluations, converged: false, reason: 'iterations' };
}

interface SearchResult {
  ok: boolean;
  value: number;
  evaluations: number;
}

/** Finds a step along `direction` meeting the strong Wolfe conditions; the point lands in trialX/trialG. */
function strongWolfe(
  objective: Objective,
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  direction: Float64Array,
  slope0: number,
  initial: number,
  maxEvaluations: number,
  trialX: Float64Array,
  trialG: Float64Array,
): SearchResult {
  const n = x.length;
  let evaluations = 0;
  const evaluate = (step: number): { value: number; slope: number } => {
    for (let i = 0; i < n; i++) trialX[i] = x[i] + step * direction[i];
    const value = objective(trialX, trialG);
    evaluations++;
    return { value, slope: dot(trialG, direction) };
  };
  const zoom = (lo: number, hi: number, fLo: number, slopeLo: number, fHi: number): SearchResult => {
    while (evaluations < maxEvaluations) {
      // Cubic would be faster; bisection with a safeguarded quadratic keeps it simple and robust.
      const denominator = 2 * (fHi - fLo - slopeLo * (hi - lo));
      let step = denominator > 0 ? lo - (slopeLo * (hi - lo) * (hi - lo)) / denominator : (lo + hi) / 2;
      const width = Math.abs(hi - lo);
      if (!(Math.abs(step - lo) > 0.1 * width && Math.abs(step - hi) > 0.1 * width)) step = (lo + hi) / 2;
      const trial = evaluate(step);
      if (trial.value > f0 + C1 * step * slope0 || trial.value >= fLo) {
        hi = step;
        fHi = trial.value;
      } else {
        if (Math.abs(trial.slope) <= -C2 * slope0) return { ok: true, value: trial.value, evaluations };
        if (trial.slope * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
        }
        lo = step;
        fLo = trial.value;
        slopeLo = trial.slope;
      }
      if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    // Out of evaluations: accept the best point found if it decreased the objective.
    if (fLo < f0 && lo > 0) {
      const last = evaluate(lo);
      return { ok: true, value: last.value, evaluations };
    }
    return { ok: false, value: f0, evaluations };
  };

  let previousStep = 0;
  let previousValue = f0;
  let previousSlope = slope0;
  let step = initial;
  for (let i = 0; evaluations < maxEvaluations; i++) {
    const trial = evaluate(step);
    if (!Number.isFinite(trial.value)) {
      step = (previousStep + step) / 2;
      continue;
    }
    if (trial.value > f0 + C1 * step * slope0 || (i > 0 && trial.value >= previousValue)) {
      return zoom(previousStep, step, previousValue, previousSlope, trial.value);
    }
    if (Math.abs(trial.slope) <= -C2 * slope0) return { ok: true, value: trial.value, evaluations };
    if (trial.slope >= 0) return zoom(step, previousStep, trial.value, trial.slope, previousValue);
    previousStep = step;
    previousValue = trial.value;
    previousSlope = trial.slope;
    step *= 2;
  }
  return { ok: false, value: f0, evaluations };
}

import { createRng } from '../../src/model/evaluation/prng';

/** The project's seeded generator (mulberry32): the same fault moments on every run with the same seed. */
export const seededRandom = createRng;

/** A seed per scenario, so adding or skipping one does not move the others' moments. */
export function scenarioSeed(seed: number, scenario: string): number {
  let h = seed >>> 0;
  for (const c of scenario) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

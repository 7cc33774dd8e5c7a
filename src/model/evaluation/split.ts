import { createRng, shuffleInPlace } from './prng';

export interface Split {
  train: number[];
  test: number[];
}

/** Indices of each label, in label order, each list shuffled by `random`. */
function shuffledByLabel(labels: readonly string[], random: () => number): number[][] {
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => {
    let group = groups.get(label);
    if (!group) groups.set(label, (group = []));
    group.push(i);
  });
  return [...groups.keys()].sort().map((label) => shuffleInPlace(groups.get(label) as number[], random));
}

/**
 * Holds out `testFraction` of every label (rounded, at least one document of each label with two or
 * more), so rare labels are represented on both sides. Indices come back in ascending order.
 */
export function stratifiedSplit(labels: readonly string[], testFraction: number, seed: number): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const train: number[] = [];
  const test: number[] = [];
  for (const group of shuffledByLabel(labels, createRng(seed))) {
    const held = group.length < 2 ? 0 : Math.min(group.length - 1, Math.max(1, Math.round(group.length * testFraction)));
    test.push(...group.slice(0, held));
    train.push(...group.slice(held));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * k folds, each label dealt round-robin after a seeded shuffle, so every fold's label mix matches
 * the corpus within one document per label. Each fold's `test` is disjoint from the others'.
 */
export function stratifiedKFold(labels: readonly string[], folds: number, seed: number): Split[] {
  if (!(Number.isInteger(folds) && folds >= 2)) throw new RangeError(`folds must be an integer >= 2, got ${folds}`);
  const assigned = new Int32Array(labels.length);
  let next = 0;
  for (const group of shuffledByLabel(labels, createRng(seed))) {
    // Continue the deal where the previous label stopped, so fold sizes differ by at most one.
    for (const index of group) assigned[index] = next++ % folds;
  }
  return Array.from({ length: folds }, (_, fold) => {
    const train: number[] = [];
    const test: number[] = [];
    assigned.forEach((f, index) => (f === fold ? test : train).push(index));
    return { train, test };
  });
}

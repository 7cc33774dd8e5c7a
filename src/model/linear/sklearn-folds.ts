/**
 * scikit-learn's StratifiedKFold(n_splits, shuffle=False) test-fold assignment
 * (sklearn/model_selection/_split.py, _make_test_folds), which CalibratedClassifierCV(cv=k) uses:
 * classes numbered by first appearance, the sorted class sequence dealt round-robin to decide how
 * many of each class every fold holds, then each class's rows given to folds 0, 1, ... in blocks,
 * in row order. Returns the fold of every row.
 */
export function sklearnStratifiedFolds(classOfRow: Int32Array, folds: number): Int32Array {
  const n = classOfRow.length;
  // Renumber classes by first appearance.
  const firstSeen = new Map<number, number>();
  const encoded = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let code = firstSeen.get(classOfRow[i]);
    if (code === undefined) firstSeen.set(classOfRow[i], (code = firstSeen.size));
    encoded[i] = code;
  }
  const classes = firstSeen.size;
  const counts = new Int32Array(classes);
  for (let i = 0; i < n; i++) counts[encoded[i]]++;
  if (counts.every((count) => count < folds)) throw new RangeError(`${folds} folds but no class has that many rows`);
  // allocation[f][k]: rows of class k in fold f, from dealing the sorted classes round-robin.
  const allocation = Array.from({ length: folds }, () => new Int32Array(classes));
  let position = 0;
  for (let k = 0; k < classes; k++) {
    for (let c = 0; c < counts[k]; c++, position++) allocation[position % folds][k]++;
  }
  const fold = new Int32Array(n);
  for (let k = 0; k < classes; k++) {
    let f = 0;
    let left = allocation[0][k];
    for (let i = 0; i < n; i++) {
      if (encoded[i] !== k) continue;
      while (left === 0) left = allocation[++f][k];
      fold[i] = f;
      left--;
    }
  }
  return fold;
}

import assert from 'node:assert/strict';
import { COUNT_DEFAULTS, FittedVectorizer, TFIDF_DEFAULTS, type VectorizerOptions } from '../../../src/model';
import { SparseRow } from '../../../src/model/vectorizer/sparse-row';
import { TermStatistics } from '../../../src/model/vectorizer/term-statistics';
import { assertClose } from './helpers';

function fit(corpus: string[], options: Partial<VectorizerOptions>): FittedVectorizer {
  const full = { ...COUNT_DEFAULTS, ...options };
  const statistics = new TermStatistics(full);
  for (const doc of corpus) statistics.addDocument(doc.split(' '));
  return FittedVectorizer.fromSelection(full, statistics.select());
}

/** The row as { term: value }. */
function row(vectorizer: FittedVectorizer, text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [feature, value] of vectorizer.transform(text.split(' ')).toMap()) out[vectorizer.terms[feature]] = value;
  return out;
}

describe('vectorizer', () => {
  it('counts n-grams in the configured range', () => {
    const v = fit(['a b c a b'], { ngramRange: [1, 2] });
    assert.deepEqual([...v.terms].sort(), ['a', 'a b', 'b', 'b c', 'c', 'c a']);
    assert.deepEqual(row(v, 'a b c a b'), { a: 2, b: 2, c: 1, 'a b': 2, 'b c': 1, 'c a': 1 });
    const bigramsOnly = fit(['a b c a b'], { ngramRange: [2, 3] });
    assert.deepEqual([...bigramsOnly.terms].sort(), ['a b', 'a b c', 'b c', 'b c a', 'c a', 'c a b']);
    assert.deepEqual(row(bigramsOnly, 'x a b c'), { 'a b': 1, 'b c': 1, 'a b c': 1 });
  });

  it('counts every n-gram of a large vocabulary exactly, in the order features first occur', () => {
    // Enough bigrams that the fast path's pair filter turns lookups away (and would drop real
    // features if it ever answered "absent" for a stored pair).
    let seed = 7;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const doc = (length: number) => Array.from({ length }, () => `w${next(400)}`).join(' ');
    const corpus = Array.from({ length: 400 }, () => doc(60));
    for (const ngramRange of [
      [1, 1],
      [1, 2],
      [2, 2],
      [1, 3],
      [2, 3],
    ] as [number, number][]) {
      const v = fit(corpus, { ngramRange });
      const index = new Map(v.terms.map((term, j) => [term, j]));
      for (let d = 0; d < 50; d++) {
        const tokens = `${doc(80)} unseen ${doc(80)}`.split(' ');
        // Reference: every n-gram as a string, counted where the vectorizer meets it (longest first per token).
        const expected = new Map<number, number>();
        tokens.forEach((_, end) => {
          for (let n = ngramRange[1]; n >= ngramRange[0]; n--) {
            if (end + 1 < n) continue;
            const j = index.get(tokens.slice(end + 1 - n, end + 1).join(' '));
            if (j !== undefined) expected.set(j, (expected.get(j) ?? 0) + 1);
          }
        });
        const counted = v.countInto(tokens, new SparseRow());
        assert.deepEqual([...counted.toMap()], [...expected], `ngramRange ${ngramRange.join('-')}, document ${d}`);
      }
    }
  });

  it('does not match n-grams across unknown words', () => {
    const v = fit(['a b', 'b c'], { ngramRange: [1, 2] });
    assert.deepEqual(row(v, 'a zzz b c'), { a: 1, b: 1, c: 1, 'b c': 1 });
    assert.deepEqual(row(v, 'zzz'), {});
  });

  it('filters by minDf and maxDf, as counts or fractions', () => {
    const corpus = ['a b c', 'a b', 'a d', 'a e'];
    assert.deepEqual([...fit(corpus, { minDf: 2 }).terms].sort(), ['a', 'b']);
    assert.deepEqual([...fit(corpus, { minDf: 0.5 }).terms].sort(), ['a', 'b']);
    assert.deepEqual([...fit(corpus, { maxDf: 0.75 }).terms].sort(), ['b', 'c', 'd', 'e']);
    assert.deepEqual([...fit(corpus, { maxDf: 2 }).terms].sort(), ['b', 'c', 'd', 'e']);
    assert.throws(() => fit(corpus, { minDf: 3, maxDf: 2 }), /maxDf/);
  });

  it('keeps the maxFeatures most frequent terms, ties to the first seen', () => {
    const v = fit(['x y y z z z', 'w w w', 'v'], { maxFeatures: 2 });
    assert.deepEqual([...v.terms].sort(), ['w', 'z']);
    const ties = fit(['p q r', 's'], { maxFeatures: 2 });
    assert.deepEqual([...ties.terms], ['p', 'q']);
  });

  it('applies binary, sublinear tf, idf (smooth or not) and l1 / l2 / no norm with sklearn formulas', () => {
    const corpus = ['a a a b', 'b c', 'c c d'];
    assert.deepEqual(row(fit(corpus, { binary: true }), 'a a a b'), { a: 1, b: 1 });
    const sublinear = row(fit(corpus, { sublinearTf: true }), 'a a a b');
    assertClose(sublinear.a, 1 + Math.log(3), 1e-15, 'sublinear a');
    assert.equal(sublinear.b, 1);

    const smooth = fit(corpus, { useIdf: true });
    assertClose(smooth.idf?.[smooth.terms.indexOf('a')] ?? NaN, Math.log(4 / 2) + 1, 1e-15, 'smooth idf df=1');
    assertClose(smooth.idf?.[smooth.terms.indexOf('b')] ?? NaN, Math.log(4 / 3) + 1, 1e-15, 'smooth idf df=2');
    const raw = fit(corpus, { useIdf: true, smoothIdf: false });
    assertClose(raw.idf?.[raw.terms.indexOf('a')] ?? NaN, Math.log(3) + 1, 1e-15, 'idf df=1');
    assertClose(raw.idf?.[raw.terms.indexOf('b')] ?? NaN, Math.log(3 / 2) + 1, 1e-15, 'idf df=2');

    const idfA = Math.log(2) + 1;
    const idfB = Math.log(4 / 3) + 1;
    const unnormalised = row(fit(corpus, { useIdf: true, norm: 'none' }), 'a a a b');
    assertClose(unnormalised.a, 3 * idfA, 1e-12, 'tf-idf a');
    const l2 = row(fit(corpus, { useIdf: true, norm: 'l2' }), 'a a a b');
    const length = Math.hypot(3 * idfA, idfB);
    assertClose(l2.a, (3 * idfA) / length, 1e-12, 'l2 a');
    assertClose(l2.b, idfB / length, 1e-12, 'l2 b');
    const l1 = row(fit(corpus, { useIdf: true, norm: 'l1' }), 'a a a b');
    assertClose(l1.a + l1.b, 1, 1e-12, 'l1 sum');
    assertClose(l1.a, (3 * idfA) / (3 * idfA + idfB), 1e-12, 'l1 a');
    assert.deepEqual(row(fit(corpus, { norm: 'l2' }), 'zzz'), {}, 'an empty row stays empty (no division by zero)');
  });

  it('rebuilds the same transform from stored terms', () => {
    const options = { ...TFIDF_DEFAULTS, ngramRange: [1, 3] as [number, number], sublinearTf: true };
    const corpus = ['the cat sat on the mat', 'the dog sat', 'a cat and a dog', 'mat mat cat'];
    const fitted = fit(corpus, options);
    const loaded = FittedVectorizer.fromTerms(options, fitted.terms, fitted.documentFrequency, fitted.documents);
    for (const doc of [...corpus, 'the cat sat on the dog', 'unknown words only']) assert.deepEqual(row(loaded, doc), row(fitted, doc));
    assert.throws(() => FittedVectorizer.fromTerms(options, ['a', 'a'], [1, 1], 2), /duplicate/);
    assert.throws(() => FittedVectorizer.fromTerms(options, ['a b c d'], [1], 2), /ngramRange/);
    assert.throws(() => FittedVectorizer.fromTerms(options, ['a'], [1, 2], 2), /document frequencies/);
  });

  it('rejects tokens containing spaces and invalid options', () => {
    assert.throws(() => new TermStatistics(COUNT_DEFAULTS).addDocument(['a b']), /spaces/);
    assert.throws(() => fit(['a'], { ngramRange: [2, 1] }), /ngramRange/);
    assert.throws(() => fit(['a'], { maxFeatures: 0 }), /maxFeatures/);
  });

  it('bounds the first pass: prunes rare n-grams, keeps frequent ones exact', () => {
    const options = { ...COUNT_DEFAULTS, ngramRange: [1, 2] as [number, number], maxCandidateTerms: 1_000 };
    const bounded = new TermStatistics(options);
    const exact = new TermStatistics({ ...options, maxCandidateTerms: 1_000_000 });
    let peak = 0;
    for (let d = 0; d < 2_000; d++) {
      // Frequent words and one frequent bigram ("common tail") around words never seen again.
      const tokens = ['common', `rare${d}a`, 'frequent', `rare${d}b`, 'common', 'tail'];
      bounded.addDocument(tokens);
      exact.addDocument(tokens);
      peak = Math.max(peak, bounded.select().candidateTerms);
    }
    assert.ok(peak <= 1_000, `candidate table grew to ${peak}`);
    const kept = bounded.select();
    assert.ok(kept.prunedDfThreshold >= 1);
    const df = new Map(Array.from(kept.features, (node, j) => [kept.nodes.term(node), kept.documentFrequency[j]]));
    for (const term of ['common', 'frequent', 'tail', 'common tail']) assert.equal(df.get(term), 2_000, term);
    const all = exact.select();
    assert.equal(all.prunedDfThreshold, 0);
    // 3 frequent + 2 rare words per document; 4 once-only bigrams per document + "common tail".
    assert.equal(all.features.length, 3 + 2 * 2_000 + 4 * 2_000 + 1);

    // The pruned table still vectorises like the exact one on its frequent terms.
    const fromBounded = FittedVectorizer.fromSelection(options, kept);
    const row = fromBounded.transform(['common', 'tail', 'frequent', 'common', 'tail']).toMap();
    const counts = Object.fromEntries([...row].map(([j, value]) => [fromBounded.terms[j], value]));
    assert.deepEqual(counts, { common: 2, tail: 2, frequent: 1, 'common tail': 2 });
  });
});

import assert from 'node:assert/strict';
import {
  binIndex,
  binLabels,
  compareToBaseline,
  confusionMetrics,
  CUTS,
  emptyHistogram,
  mergeHistograms,
  mergeStatistics,
  oovRate,
  qualityRates,
  StatisticsAccumulator,
  type BaselineV1,
  type DatasetStatisticsV1,
  type DistributionComparisonV1,
} from '../../../src/drift';
import { classificationReport } from '../../../src/model';
import { cleanTokens } from '../../../src/text';

interface Doc {
  label: string | null;
  text: string;
  sentiment: number;
  predicted: string;
  confidence: number;
}

function docs(n: number, seed: number): Doc[] {
  const words = ['free', 'money', 'offer', 'meeting', 'tomorrow', 'report', 'click', 'now', 'lunch', 'project', 'deal', 'win'];
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => {
    const length = Math.floor(next() * 60);
    const text = [...Array.from({ length }, () => words[Math.floor(next() * words.length)]), `doc${seed}x${i}`].join(' ');
    const label = next() < 0.2 ? null : next() < 0.5 ? 'spam' : 'ham';
    return { label, text, sentiment: next() * 2 - 1, predicted: next() < 0.5 ? 'spam' : 'ham', confidence: 0.5 + next() / 2 };
  });
}

function accumulate(items: Doc[], options: ConstructorParameters<typeof StatisticsAccumulator>[0] = {}): DatasetStatisticsV1 {
  const acc = new StatisticsAccumulator(options);
  for (const d of items) {
    const tokens = d.text === '' ? [] : d.text.split(' ');
    acc.addDocument({ label: d.label, textClean: d.text, tokens, sentiment: d.sentiment });
    const other = d.predicted === 'spam' ? 'ham' : 'spam';
    acc.addPrediction({
      label: d.label,
      predictedLabel: d.predicted,
      probabilities: { [d.predicted]: d.confidence, [other]: 1 - d.confidence },
    });
  }
  return acc.toStatistics();
}

describe('drift statistics', () => {
  it('bins a value equal to a cut into the bin above it; the first and last bins are open-ended', () => {
    assert.equal(binIndex([1, 20, 50], 0), 0);
    assert.equal(binIndex([1, 20, 50], 1), 1);
    assert.equal(binIndex([1, 20, 50], 19.999), 1);
    assert.equal(binIndex([1, 20, 50], 50), 3);
    assert.equal(binIndex([1, 20, 50], 1e9), 3);
    assert.deepEqual(binLabels([1, 20]), ['<1', '[1, 20)', '>=20']);
    assert.throws(() => mergeHistograms(emptyHistogram([1, 2]), emptyHistogram([1, 3])), RangeError);
    assert.throws(() => emptyHistogram([2, 1]), RangeError);
  });

  it('merges shard statistics exactly: two shards merged equal the whole dataset', () => {
    const all = docs(400, 7);
    const vocabulary = { key: 'models/m/v1/baseline.json', terms: new Set(['free', 'money', 'offer', 'meeting']) };
    const whole = accumulate(all, { oovVocabulary: vocabulary });
    const merged = mergeStatistics(
      accumulate(all.slice(0, 150), { oovVocabulary: vocabulary }),
      accumulate(all.slice(150), { oovVocabulary: vocabulary }),
    );
    // The vocabulary's order among equal frequencies is by term, so even it matches exactly.
    assert.deepEqual(merged, whole);
    assert.equal(whole.documents, 400);
    assert.equal(
      whole.textLength.counts.reduce((a, b) => a + b, 0),
      400,
    );
    assert.equal(
      whole.predictions?.confidence.counts.reduce((a, b) => a + b, 0),
      400,
    );
    assert.equal(whole.vocabulary.exact, true);
    assert.equal(whole.vocabulary.distinctTerms, 12 + 400, 'the 12 common words and one unique term per document');
  });

  it('counts empty and duplicate documents and unreadable rows, and reports their rates', () => {
    const acc = new StatisticsAccumulator();
    const add = (text: string) => acc.addDocument({ label: null, textClean: text, tokens: text ? text.split(' ') : [], sentiment: 0 });
    add('hello world');
    add('hello world');
    add('hello world');
    add('');
    add('');
    add('something else');
    acc.addUnreadable(4);
    const s = acc.toStatistics();
    assert.deepEqual(s.quality, { inputRows: 10, empty: 2, duplicate: 2, unreadable: 4 });
    assert.deepEqual(qualityRates(s), { empty: 2 / 6, duplicate: 2 / 6, unreadable: 0.4 });
    assert.equal(s.textLength.counts[0], 2, 'empty documents land in the <1 length bin');
    assert.equal(s.unlabelled, 6);
  });

  it('keeps the top terms by document frequency, with the tokens they cover', () => {
    const acc = new StatisticsAccumulator({ vocabularyLimit: 2 });
    for (const text of ['a a a b', 'a c', 'c d', 'c'])
      acc.addDocument({ label: 'x', textClean: text, tokens: text.split(' '), sentiment: 0 });
    const v = acc.toStatistics().vocabulary;
    assert.deepEqual(v.top, [
      ['c', 3, 3],
      ['a', 2, 4],
    ]);
    assert.equal(v.tokens, 9);
    assert.equal(v.coveredTokens, 7);
    assert.equal(v.distinctTerms, 4);
    const merged = mergeStatistics(acc.toStatistics(), acc.toStatistics());
    assert.equal(merged.vocabulary.exact, false, 'merging truncated vocabularies is approximate');
  });

  it('measures OOV against a reference vocabulary', () => {
    const acc = new StatisticsAccumulator({ oovVocabulary: { key: 'k', terms: new Set(['the', 'cat']) } });
    acc.addDocument({ label: null, textClean: 'the cat sat', tokens: ['the', 'cat', 'sat'], sentiment: 0 });
    acc.addDocument({ label: null, textClean: 'el gato', tokens: ['el', 'gato'], sentiment: 0 });
    const s = acc.toStatistics();
    assert.deepEqual(s.oov, { vocabularyKey: 'k', tokens: 5, unseen: 3 });
    assert.equal(oovRate(s), 0.6);
    assert.throws(() => mergeStatistics(s, { ...s, oov: { vocabularyKey: 'other', tokens: 1, unseen: 0 } }), RangeError);
  });

  it('computes accuracy and macro F1 from confusion counts exactly as the model evaluation does', () => {
    const items = docs(300, 11).filter((d) => d.label !== null);
    const s = accumulate(items);
    assert.ok(s.confusion);
    const report = classificationReport(
      items.map((d) => d.label as string),
      items.map((d) => d.predicted),
    );
    const m = confusionMetrics(s.confusion);
    assert.equal(m.documents, items.length);
    assert.ok(Math.abs(m.accuracy - report.accuracy) < 1e-15);
    assert.ok(Math.abs(m.macroF1 - report.macro.f1) < 1e-15);
    // A label only ever predicted (never true) still counts in the macro average, as in sklearn.
    const odd = confusionMetrics({
      labels: ['a', 'b'],
      matrix: [
        [3, 1],
        [0, 0],
      ],
    });
    assert.equal(odd.accuracy, 0.75);
    assert.ok(Math.abs(odd.macroF1 - (2 * 1 * 0.75) / 1.75 / 2) < 1e-15);
  });

  it('compares a window with a baseline: identical data gives zero distances, a one-class window a large PSI', () => {
    const training = accumulate(docs(500, 3));
    const baseline: BaselineV1 = {
      schemaVersion: 1,
      modelName: 'm',
      modelVersion: 'v1',
      createdAt: '2025-01-01T00:00:00.000Z',
      training: { keys: [], statistics: training },
      reference: { source: 'held-out', keys: [], statistics: training },
    };
    const same = compareToBaseline(baseline, training, { accuracy: 0.5, macroF1: 0.5, source: 'metrics.json' });
    assert.deepEqual(
      same.map((s) => s.name),
      [
        'predictedClassMix',
        'textLength',
        'tokenCount',
        'sentiment',
        'confidence',
        'oovRate',
        'emptyRate',
        'duplicateRate',
        'unreadableRate',
        'accuracy',
        'macroF1',
      ],
    );
    for (const s of same.filter((x): x is DistributionComparisonV1 => x.kind === 'distribution')) {
      assert.equal(s.psi, 0, s.name);
      assert.equal(s.jsDistance, 0, s.name);
      assert.equal(s.chiSquare?.pValue, 1, s.name);
    }
    const spamOnly = docs(500, 5).map((d) => ({ ...d, predicted: 'spam' }));
    const mix = compareToBaseline(baseline, accumulate(spamOnly), null).find(
      (s) => s.name === 'predictedClassMix',
    ) as DistributionComparisonV1;
    assert.deepEqual(mix.bins, ['ham', 'spam']);
    assert.equal(mix.window[0], 0);
    assert.ok((mix.psi as number) > 1, `PSI ${mix.psi}`);
    assert.ok((mix.chiSquare?.pValue as number) < 1e-50);
    assert.equal(CUTS.sentiment.length + 1, training.sentiment.counts.length);
  });
});

describe('language counts of batch statistics', () => {
  it('counts en, es, other and unknown documents, and merges them', () => {
    const observe = (text: string) => ({ label: null, textClean: text, tokens: cleanTokens(text), sentiment: 0 });
    const a = new StatisticsAccumulator();
    a.addDocument(observe('The battery of this phone is great and it was cheap.'));
    a.addDocument(observe('La batería de este teléfono es muy buena y fue barata.'));
    a.addDocument(observe('Das Produkt ist nicht gut und ich bin sehr enttäuscht, aber der Versand war schnell.'));
    a.addDocument(observe('Товар пришёл вовремя, но работает плохо, я очень разочарован.'));
    a.addDocument(observe('iPhone 15'));
    const first = a.toStatistics();
    assert.deepEqual(first.languages, { en: 1, es: 1, other: 2, unknown: 1 });
    const b = new StatisticsAccumulator();
    b.addDocument(observe('It is not what I ordered and the box was broken.'));
    assert.deepEqual(mergeStatistics(first, b.toStatistics()).languages, { en: 2, es: 1, other: 2, unknown: 1 });
    // A part written before languages were counted leaves the merged count out rather than short.
    const { languages: _dropped, ...old } = b.toStatistics();
    assert.equal(mergeStatistics(first, old).languages, undefined);
  });
});

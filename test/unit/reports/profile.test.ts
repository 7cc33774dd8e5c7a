import assert from 'node:assert/strict';
import { histogramTotal, StatisticsAccumulator } from '../../../src/drift';
import {
  mergeManyProfiles,
  mergeProfiles,
  PART_PROFILE_STEMS,
  ProfileAccumulator,
  shouldTrace,
  shouldTraceInShard,
  termStages,
} from '../../../src/reports/profile';
import { cleanDocument, composeText } from '../../../src/text';
import { traceCleaning } from '../../../src/text/cleaning-trace';
import { sampleMessages } from '../../helpers/corpus';

function profileOf(messages: ReturnType<typeof sampleMessages>, withRaw = true, topN?: number) {
  const acc = new ProfileAccumulator(topN);
  for (const m of messages) {
    const c = cleanDocument({ title: m.subject, body: m.body });
    acc.add({
      textClean: c.textClean,
      tokens: c.tokens,
      tokensNoStop: c.tokensNoStop,
      stems: c.stems,
      rawChars: withRaw ? composeText(m.subject, m.body).length : undefined,
      trace: withRaw ? traceCleaning(composeText(m.subject, m.body)) : undefined,
    });
  }
  return acc.toProfile();
}

describe('batch profile (what the batch report adds to the statistics)', () => {
  const messages = sampleMessages(200, 100);

  it('counts a language it does not support as other, not English', () => {
    const acc = new ProfileAccumulator();
    for (const body of [
      'Das Produkt ist nicht gut und ich bin sehr enttäuscht, aber der Versand war schnell.',
      'The battery of this phone is great and it was cheap.',
    ]) {
      const c = cleanDocument({ body });
      acc.add({ textClean: c.textClean, tokens: c.tokens, tokensNoStop: c.tokensNoStop, stems: c.stems });
    }
    assert.deepEqual(acc.toProfile().languages, { other: 1, en: 1 });
  });

  it('counts lengths, cleaning removals, stopwords, terms and languages', () => {
    const p = profileOf(messages);
    assert.equal(p.documents, 200);
    assert.equal(p.rawDocuments, 200);
    assert.equal(histogramTotal(p.rawLength), 200);
    assert.equal(histogramTotal(p.cleanLength), 200);
    assert.ok(p.rawChars > p.cleanChars, 'cleaning shortens mail');
    assert.ok(p.removed.urls.documents > 0 && p.removed.punctuation.documents > 100);
    const tokens = messages.map((m) => cleanDocument({ title: m.subject, body: m.body }));
    assert.equal(
      p.stopwords.tokensBefore,
      tokens.reduce((n, c) => n + c.tokens.length, 0),
    );
    assert.equal(
      p.stopwords.removed,
      tokens.reduce((n, c) => n + c.tokens.length - c.tokensNoStop.length, 0),
    );
    // Terms at each stage: tokens from the statistics' vocabulary, minus the stopwords the profile saw.
    const stats = new StatisticsAccumulator();
    for (const c of tokens) stats.addDocument({ label: null, textClean: c.textClean, tokens: c.tokens, sentiment: 0 });
    const terms = termStages(stats.toStatistics().vocabulary, p);
    assert.equal(terms.top.tokens[0][0], 'the');
    assert.ok(!terms.top.withoutStopwords.some(([t]) => t === 'the'), 'no stopword after removal');
    const nostop = new Map<string, number>();
    for (const c of tokens) for (const t of c.tokensNoStop) nostop.set(t, (nostop.get(t) ?? 0) + 1);
    assert.equal(terms.distinct.withoutStopwords, nostop.size);
    const expectedTop = [...nostop].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
    assert.deepEqual(terms.top.withoutStopwords.slice(0, 10), expectedTop);
    assert.ok(terms.distinct.stems < terms.distinct.withoutStopwords, 'stemming merges terms');
    assert.equal(
      Object.values(p.languages).reduce((a, b) => a + b, 0),
      200,
    );
  });

  it('merges two halves into the profile of the whole (counts and histograms exactly)', () => {
    const whole = profileOf(messages);
    const merged = mergeProfiles(profileOf(messages.slice(0, 90)), profileOf(messages.slice(90)));
    for (const key of [
      'documents',
      'rawDocuments',
      'rawChars',
      'traced',
      'tracedRawChars',
      'cleanChars',
      'rawLength',
      'cleanLength',
      'removed',
      'stopwords',
      'languages',
    ] as const)
      assert.deepEqual(merged[key], whole[key], key);
    // Top lists merge approximately (each part keeps its own top 30); the head agrees.
    assert.deepEqual(merged.top.stems.slice(0, 5), whole.top.stems.slice(0, 5));
  });

  it('merges shard profiles that list all their stems into exactly the profile of the whole', () => {
    const shards = [0, 40, 80, 120, 160].map((at) => profileOf(messages.slice(at, at + 40), true, PART_PROFILE_STEMS));
    // Ranges of shards, then the batch: what the range summaries and recordBatchStatistics do.
    const ranges = [shards.slice(0, 2), shards.slice(2)].map((r) => mergeManyProfiles(r, PART_PROFILE_STEMS));
    const batch = mergeManyProfiles(ranges.filter((r) => r !== null));
    assert.deepEqual(batch, profileOf(messages));
    assert.equal(mergeManyProfiles([]), null);
    // A part that truncated its stems makes the distinct count a lower bound, never a sum.
    const truncated = mergeManyProfiles([profileOf(messages.slice(0, 100), true, 5), profileOf(messages.slice(100), true, 5)]);
    const whole = profileOf(messages);
    assert.ok(truncated !== null && truncated.distinct.stems <= whole.distinct.stems, 'a lower bound');
  });

  it('traces a shard like the batch would: its rows among the first 10,000 of the batch, then one in 10', () => {
    // 8 shards of 5,000: shards 0 and 1 wholly, then 500 of each other shard.
    let traced = 0;
    for (let shard = 0; shard < 8; shard++) for (let n = 0; n < 5_000; n++) if (shouldTraceInShard(shard, 5_000, n)) traced++;
    assert.equal(traced, Array.from({ length: 40_000 }, (_, n) => n).filter(shouldTrace).length);
    assert.equal(traced, 10_000 + 6 * 500);
    // Small shards: the first 10,000 documents of the batch are traced all the same.
    assert.ok(shouldTraceInShard(999, 10, 9) && !shouldTraceInShard(1_000, 10, 9) && shouldTraceInShard(1_000, 10, 0));
  });

  it('traces every document of a batch up to 10,000, then one in 10', () => {
    const traced = Array.from({ length: 30_000 }, (_, n) => n).filter(shouldTrace).length;
    assert.equal(traced, 10_000 + 2_000);
    assert.ok(shouldTrace(0) && shouldTrace(9_999) && !shouldTrace(10_001) && shouldTrace(10_010));
    const acc = new ProfileAccumulator();
    acc.add({ textClean: 'a b', tokens: ['a', 'b'], tokensNoStop: ['b'], stems: ['b'], rawChars: 7 });
    acc.add({ textClean: 'c', tokens: ['c'], tokensNoStop: ['c'], stems: ['c'], rawChars: 3, trace: traceCleaning('<i>c</i>') });
    const p = acc.toProfile();
    assert.deepEqual([p.rawDocuments, p.rawChars, p.traced, p.tracedRawChars, p.removed.markup.removed], [2, 10, 1, 8, 5]);
    assert.deepEqual(p.stopwordTerms, ['a']);
  });

  it('leaves the before-cleaning figures empty when the staged text is gone', () => {
    const p = profileOf(messages.slice(0, 10), false);
    assert.equal(p.rawDocuments, 0);
    assert.equal(p.rawChars, 0);
    assert.equal(p.removed.markup.removed, 0);
    assert.equal(p.documents, 10);
  });
});

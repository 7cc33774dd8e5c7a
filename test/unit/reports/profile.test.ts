import assert from 'node:assert/strict';
import { histogramTotal } from '../../../src/drift';
import { mergeProfiles, ProfileAccumulator } from '../../../src/reports/profile';
import { cleanDocument, composeText } from '../../../src/text';
import { traceCleaning } from '../../../src/text/cleaning-trace';
import { sampleMessages } from '../../helpers/corpus';

function profileOf(messages: ReturnType<typeof sampleMessages>, withRaw = true) {
  const acc = new ProfileAccumulator();
  for (const m of messages) {
    const c = cleanDocument({ title: m.subject, body: m.body });
    acc.add({
      textClean: c.textClean,
      tokens: c.tokens,
      tokensNoStop: c.tokensNoStop,
      stems: c.stems,
      trace: withRaw ? traceCleaning(composeText(m.subject, m.body)) : undefined,
    });
  }
  return acc.toProfile();
}

describe('batch profile (what the batch report adds to the statistics)', () => {
  const messages = sampleMessages(200, 100);

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
    assert.equal(p.top.tokens[0][0], 'the');
    assert.ok(!p.top.withoutStopwords.some(([t]) => t === 'the'), 'no stopword after removal');
    assert.ok(p.distinct.stems < p.distinct.withoutStopwords, 'stemming merges terms');
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
      'cleanChars',
      'rawLength',
      'cleanLength',
      'removed',
      'stopwords',
      'languages',
    ] as const)
      assert.deepEqual(merged[key], whole[key], key);
    assert.deepEqual(merged.top.tokens.slice(0, 10), whole.top.tokens.slice(0, 10));
  });

  it('leaves the before-cleaning figures empty when the staged text is gone', () => {
    const p = profileOf(messages.slice(0, 10), false);
    assert.equal(p.rawDocuments, 0);
    assert.equal(p.rawChars, 0);
    assert.equal(p.removed.markup.removed, 0);
    assert.equal(p.documents, 10);
  });
});

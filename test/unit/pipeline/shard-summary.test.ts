import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StatisticsAccumulator } from '../../../src/drift';
import { StatisticsMerger } from '../../../src/pipeline/merge-statistics';
import {
  readShardSummary,
  summaryStems,
  summaryTerms,
  writeShardSummary,
  type ShardSummaryV1,
  type ShardSummaryV2,
} from '../../../src/pipeline/shard-summary';
import { ProfileAccumulator, ProfileMerger } from '../../../src/reports/profile';
import { FsObjectStore } from '../../../src/storage/fs-object-store';
import { cleanDocument } from '../../../src/text';
import { sampleMessages } from '../../helpers/corpus';

/** Three shards' accumulators over real mails (some terms in every shard, most in one). */
function shards(vocabularyLimit: number, stemLimit: number) {
  const messages = sampleMessages(240, 4242);
  return [0, 1, 2].map((s) => {
    const statistics = new StatisticsAccumulator({ vocabularyLimit });
    const profile = new ProfileAccumulator(stemLimit);
    for (const m of messages.slice(s * 80, (s + 1) * 80)) {
      const clean = cleanDocument({ title: m.subject, body: m.body });
      statistics.addDocument({ label: m.label, textClean: clean.textClean, tokens: clean.tokens, sentiment: clean.sentiment.compound });
      profile.add({ textClean: clean.textClean, tokens: clean.tokens, tokensNoStop: clean.tokensNoStop, stems: clean.stems });
    }
    return { statistics, profile };
  });
}

describe('shard summaries with their vocabularies as columns (v2)', () => {
  for (const [label, vocabularyLimit, stemLimit] of [
    ['every term kept', 50_000, 50_000],
    ['terms beyond the limits dropped', 40, 30],
  ] as const) {
    it(`merge to the same range statistics and profile as ranked lists (${label})`, () => {
      const ranked = shards(vocabularyLimit, stemLimit);
      const columns = shards(vocabularyLimit, stemLimit);
      const byTop = new StatisticsMerger();
      const byColumns = new StatisticsMerger();
      const profilesByTop = new ProfileMerger();
      const profilesByColumns = new ProfileMerger();
      for (const [i, shard] of ranked.entries()) {
        byTop.add(shard.statistics.toStatistics());
        profilesByTop.add(shard.profile.toProfile());
        const { statistics, terms } = columns[i].statistics.toStatisticsAndTerms();
        const { profile, stems } = columns[i].profile.toProfileAndStems();
        assert.deepEqual(statistics.vocabulary.top, []);
        assert.deepEqual(profile.top.stems, []);
        assert.equal(terms.terms.length, Math.min(statistics.vocabulary.distinctTerms, vocabularyLimit));
        assert.equal(stems.stems.length, Math.min(profile.distinct.stems, stemLimit));
        byColumns.add(statistics, terms);
        profilesByColumns.add(profile, stems);
      }
      const expected = byTop.result(vocabularyLimit);
      assert.ok(expected && expected.vocabulary.top.length > 30);
      assert.deepEqual(byColumns.result(vocabularyLimit), expected);
      assert.equal(expected.vocabulary.exact, vocabularyLimit === 50_000);
      assert.deepEqual(profilesByColumns.result(stemLimit), profilesByTop.result(stemLimit));
    });
  }

  it('leaves a shard whose terms all fit unranked, and ranks one that must drop some', () => {
    const [shard] = shards(50_000, 50_000);
    const { terms } = shard.statistics.toStatisticsAndTerms();
    const ranked = shard.statistics.toStatistics().vocabulary.top.map(([term]) => term);
    assert.deepEqual([...terms.terms].sort(), [...ranked].sort());
    assert.notDeepEqual(terms.terms, ranked, 'first-seen order, not ranked');
    const [small] = shards(40, 30);
    assert.deepEqual(
      small.statistics.toStatisticsAndTerms().terms.terms,
      small.statistics.toStatistics().vocabulary.top.map(([term]) => term),
    );
  });

  describe('in the store', () => {
    let dir: string;
    let store: FsObjectStore;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'shard-summary-'));
      store = new FsObjectStore(dir);
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    const base = {
      batchId: 'b',
      index: 0,
      sourceIndex: 0,
      stagedKey: 'staged/0',
      processedKey: 'processed/0',
      resultKey: null,
      rows: 80,
      scored: 0,
      sha256: null,
      predictedCounts: {},
      labelled: 0,
      fingerprintsKey: null,
    };

    it('reads v1 summaries (written before this change) and v2 alike, a range merging both the same', async () => {
      const [a, b] = shards(20_000, 20_000);
      const v1: ShardSummaryV1 = { ...base, schemaVersion: 1, statistics: a.statistics.toStatistics(), profile: a.profile.toProfile() };
      const parts = b.statistics.toStatisticsAndTerms();
      const profiled = b.profile.toProfileAndStems();
      const v2: ShardSummaryV2 = {
        ...base,
        index: 1,
        schemaVersion: 2,
        statistics: parts.statistics,
        profile: profiled.profile,
        terms: parts.terms,
        stems: profiled.stems,
      };
      await writeShardSummary(store, 's/0.json', v1);
      await writeShardSummary(store, 's/1.json', v2);
      const mixed = new StatisticsMerger();
      const mixedProfiles = new ProfileMerger();
      for (const key of ['s/0.json', 's/1.json']) {
        const summary = await readShardSummary(store, key);
        mixed.add(summary.statistics!, summaryTerms(summary));
        mixedProfiles.add(summary.profile!, summaryStems(summary));
      }
      const [c, d] = shards(20_000, 20_000);
      const ranked = new StatisticsMerger();
      ranked.add(c.statistics.toStatistics());
      ranked.add(d.statistics.toStatistics());
      const rankedProfiles = new ProfileMerger();
      rankedProfiles.add(c.profile.toProfile());
      rankedProfiles.add(d.profile.toProfile());
      assert.deepEqual(mixed.result(20_000), ranked.result(20_000));
      assert.deepEqual(mixedProfiles.result(), rankedProfiles.result());
    });

    it('refuses what is not a shard summary of a known version', async () => {
      await store.put('s/x.json', JSON.stringify({ ...base, schemaVersion: 3 }));
      await assert.rejects(readShardSummary(store, 's/x.json'), /s\/x\.json: not a shard summary/);
    });
  });
});

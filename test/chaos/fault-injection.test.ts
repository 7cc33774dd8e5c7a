import assert from 'node:assert/strict';
import { formatTable } from '../../bench/chaos/report';
import { runChaos } from '../../bench/chaos/run';

/**
 * The short subset of `npm run chaos` (docs/reliability.md): a real dev server with a SQLite file,
 * standalone worker processes (both queues), moto behind the fault proxy, and the faults
 * themselves, on 1,000 documents, side by side (each scenario on its own task queue and workers).
 * Worker and server kills are left to `npm run chaos`: a worker kill costs a heartbeat timeout
 * (one minute) before the killed worker's activities are retried, and a second dev server started
 * beside the others makes this file long and, on a loaded machine, flaky.
 */
describe('fault injection: the short subset of npm run chaos', () => {
  it('AccessDenied on the results, triplicated S3 events with late files, and 2 concurrent batches: nothing lost or duplicated', async function () {
    this.timeout(4 * 60_000);
    const scenarios = ['reference', 's3-access-denied', 's3-events', 'concurrent-batches'];
    const report = await runChaos({
      docs: 1000,
      scenarios,
      seed: 42,
      workerKills: 1,
      concurrentBatches: 2,
      parallel: true,
      keep: false,
      log: () => undefined,
    });
    const table = formatTable(report.rows);
    assert.ok(report.referenceSha256, `the undisturbed run did not complete cleanly:\n${table}`);
    assert.deepEqual(
      report.rows.map((r) => r.scenario),
      scenarios,
    );
    for (const row of report.rows.filter((r) => r.expects === 'all-rows')) {
      assert.deepEqual(
        { scenario: row.scenario, missing: row.missing, duplicated: row.duplicated, equal: row.equal, problems: row.problems },
        { scenario: row.scenario, missing: 0, duplicated: 0, equal: true, problems: [] },
        table,
      );
    }
    // The faults really happened: every notification was delivered three times, the file
    // delivered after its batch completed went to a follow-up batch, and AccessDenied ended as a
    // typed failure with an alert and no results.
    const row = (name: string) => report.rows.find((r) => r.scenario === name);
    assert.ok(
      row('s3-events')?.notes.some((n) => /^18 notifications queued \(3 of each upload's\)/.test(n)),
      table,
    );
    assert.ok(
      row('s3-events')?.notes.some((n) => /part-06\.jsonl \(delivered after completion\) scored in \S+ \(a follow-up batch\)$/.test(n)),
      table,
    );
    const denied = row('s3-access-denied');
    assert.deepEqual({ status: denied?.status, problems: denied?.problems }, { status: 'FAILED (AccessDenied)', problems: [] }, table);
    assert.equal(row('concurrent-batches')?.status, '2/2 COMPLETED', table);
  });
});

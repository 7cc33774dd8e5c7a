import assert from 'node:assert/strict';
import { formatTable } from '../../bench/chaos/report';
import { runChaos } from '../../bench/chaos/run';

/**
 * The short subset of `npm run chaos` (docs/reliability.md): a real dev server with a SQLite file,
 * standalone worker processes, moto, and the faults themselves, on 5,000 documents. The scenarios
 * run side by side (each on its own task queue with its own workers) to keep the file short; the
 * worker kills cost most of its time (a killed worker's activities come back after their
 * heartbeat timeout).
 */
describe('fault injection: the short subset of npm run chaos', () => {
  it('loses and duplicates nothing through two worker SIGKILLs, triplicated S3 events with late files, and 3 concurrent batches', async function () {
    this.timeout(8 * 60_000);
    const report = await runChaos({
      docs: 5000,
      scenarios: ['reference', 'worker-sigkill', 's3-events', 'concurrent-batches'],
      seed: 42,
      workerKills: 2,
      // The second kill may land while the first one's activities are still timing out: one heartbeat timeout, not two.
      killsAfterProgress: false,
      concurrentBatches: 3,
      parallel: true,
      keep: false,
      log: () => undefined,
    });
    const table = formatTable(report.rows);
    assert.ok(report.referenceSha256, `the undisturbed run did not complete cleanly:\n${table}`);
    assert.deepEqual(
      report.rows.map((r) => r.scenario),
      ['reference', 'worker-sigkill', 's3-events', 'concurrent-batches'],
    );
    for (const row of report.rows) {
      assert.deepEqual(
        { scenario: row.scenario, missing: row.missing, duplicated: row.duplicated, equal: row.equal, problems: row.problems },
        { scenario: row.scenario, missing: 0, duplicated: 0, equal: true, problems: [] },
        table,
      );
    }
    // The faults really happened: two kills mid-batch, every notification delivered three times.
    const killed = report.rows.find((r) => r.scenario === 'worker-sigkill')?.notes.filter((n) => n.startsWith('kill ')) ?? [];
    assert.equal(killed.length, 2, table);
    const events = report.rows.find((r) => r.scenario === 's3-events');
    assert.ok(
      events?.notes.some((n) => /^18 notifications queued \(3 of each upload's\)/.test(n)),
      table,
    );
    assert.equal(report.rows.find((r) => r.scenario === 'concurrent-batches')?.status, '3/3 COMPLETED', table);
  });
});

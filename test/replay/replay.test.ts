import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { failureConverterPath } from '../../src/codec';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { readHistoryFile, replayHistories, type ReplayOutcome } from '../../src/client/replay';
import { FIXTURE_CANARY, FIXTURE_CANARY_KEY, HISTORY_FIXTURES } from '../helpers/capture-histories';
import { decodePayload, testCodecEnv, testDataConverter } from '../helpers/codec';
import { workflowBundle } from '../helpers/temporal-env';

const run = promisify(execFile);
// Every workflow type the worker registers (src/workflows/index.ts) needs a recorded history.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const REQUIRED_TYPES = Object.keys(require('../../src/workflows') as Record<string, unknown>);
/** Branches of the workflows that must have a fixture of their own (test/helpers/capture-histories.ts). */
const REQUIRED_BRANCHES = [
  'ingestBatch-batch-placement',
  'ingestShardRange-remote-scoring',
  'ingestBatch-intake-window',
  'ingestBatch-failed',
  'continuousTraining-champion',
  'continuousTraining-tuning-follow-up',
  // Kept, never recaptured: runs recorded before the model and drift reports (patched() in those
  // workflows), as running trainings and drift checks in production still have them.
  'continuousTraining-before-model-report',
  'driftCorrection-before-drift-report-html',
  // Kept: a tuning run with a follow-up recorded before the budgeted search (the fixed grid, patch
  // budgeted-search), as trainings running at deploy time have them.
  'continuousTraining-before-budgeted-search',
];

async function fixtureFiles(): Promise<string[]> {
  return (await fs.readdir(HISTORY_FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(HISTORY_FIXTURES, f));
}

/** Every payload in a history JSON, with the path it sits at. */
function payloadsOf(value: unknown, at = ''): Array<{ at: string; encoding: string; data: string }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => payloadsOf(v, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const o = value as Record<string, unknown>;
  const metadata = o.metadata as Record<string, string> | undefined;
  const own = metadata?.encoding ? [{ at, encoding: Buffer.from(metadata.encoding, 'base64').toString(), data: String(o.data ?? '') }] : [];
  return own.concat(Object.entries(o).flatMap(([k, v]) => (k === 'metadata' ? [] : payloadsOf(v, `${at}.${k}`))));
}

describe('replaying recorded histories against the current workflow code', function () {
  this.timeout(180_000);

  it('has a captured, encrypted history for every workflow type and the branches that matter', async () => {
    const files = await fixtureFiles();
    const types = new Set<string>();
    for (const file of files) {
      const text = await fs.readFile(file, 'utf8');
      for (const canary of [FIXTURE_CANARY, 'canary-zq81']) assert.ok(!text.includes(canary), `${path.basename(file)} holds plaintext`);
      const json = JSON.parse(text) as { events: Array<Record<string, { workflowType?: { name: string } }>> };
      types.add(json.events[0].workflowExecutionStartedEventAttributes?.workflowType?.name ?? '?');
      for (const p of payloadsOf(json)) {
        // Search attributes are indexed by the server, so no codec touches them: they hold ids only.
        if (p.at.includes('.searchAttributes.')) continue;
        // A patch marker (`patched()`) is written with the default converter, past the codec: its
        // only content is the patch id from the workflow code. Allowed exactly so.
        if (p.at.includes('.markerRecordedEventAttributes.details.patch-data.')) {
          assert.equal(p.encoding, 'json/plain', `${path.basename(file)} ${p.at}`);
          const marker = JSON.parse(Buffer.from(p.data, 'base64').toString()) as Record<string, unknown>;
          assert.deepEqual(Object.keys(marker).sort(), ['deprecated', 'id'], `${path.basename(file)} ${p.at}`);
          assert.match(String(marker.id), /^[a-z-]+$/, `${path.basename(file)} ${p.at}`);
          continue;
        }
        assert.equal(p.encoding, 'binary/encrypted', `${path.basename(file)} ${p.at}`);
      }
    }
    for (const type of REQUIRED_TYPES) assert.ok(types.has(type), `no fixture for ${type} (npm run capture:histories)`);
    assert.ok(REQUIRED_TYPES.length >= 7, `workflow types: ${REQUIRED_TYPES.join(', ')}`);
    const names = new Set(files.map((f) => path.basename(f, '.json')));
    for (const branch of REQUIRED_BRANCHES) assert.ok(names.has(branch), `no fixture for the ${branch} branch (npm run capture:histories)`);
    // With the test key they decode: the batch's input names the canary key.
    const ingest = JSON.parse(await fs.readFile(path.join(HISTORY_FIXTURES, 'ingestBatch.json'), 'utf8'));
    const started = ingest.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    const input = await decodePayload<{ sources: Array<{ key: string }> }>({
      metadata: Object.fromEntries(
        Object.entries(started.metadata as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
      ),
      data: Buffer.from(started.data, 'base64'),
    });
    assert.equal(input.sources[0].key, FIXTURE_CANARY_KEY);
  });

  it('replays every committed fixture without a determinism error (with the payload codec)', async () => {
    const sources = await Promise.all((await fixtureFiles()).map(readHistoryFile));
    const outcomes = await replayHistories(sources, { workflowBundle: await workflowBundle(), dataConverter: testDataConverter });
    assert.equal(outcomes.length, sources.length);
    for (const o of outcomes) assert.ok(o.ok, `${o.source}: ${o.error?.name}: ${o.error?.message}`);
  });

  it('cannot replay the encrypted fixtures without the codec', async () => {
    const [outcome] = await replayHistories([await readHistoryFile(path.join(HISTORY_FIXTURES, 'manualPromotion.json'))], {
      workflowBundle: await workflowBundle(),
      dataConverter: {},
    });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error?.kind, 'failure');
  });

  describe('a deliberately non-deterministic ingestBatch', () => {
    let changed: WorkflowBundleWithSourceMap;
    before(async () => {
      const noop = () => undefined;
      changed = await bundleWorkflowCode({
        workflowsPath: require.resolve('../fixtures/nondeterministic/workflows'),
        failureConverterPath: failureConverterPath(),
        logger: { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop },
      });
    });

    it('fails the replay with a DeterminismViolationError and names the event that diverged', async () => {
      const history = await readHistoryFile(path.join(HISTORY_FIXTURES, 'ingestBatch.json'));
      const [outcome] = await replayHistories([history], { workflowBundle: changed, dataConverter: testDataConverter });
      assert.equal(outcome.ok, false, 'the inserted activity call went unnoticed');
      assert.equal(outcome.error?.kind, 'nondeterminism', `${outcome.error?.name}: ${outcome.error?.message}`);
      assert.equal(outcome.error?.name, 'DeterminismViolationError');
      const events = (
        history.history as {
          events: Array<{ eventId?: unknown; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }>;
        }
      ).events;
      const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes);
      assert.ok(outcome.error?.event, `no event found in: ${outcome.error?.message}`);
      assert.equal(outcome.error.event.eventId, Number(scheduled?.eventId));
      assert.equal(outcome.error.event.eventType, 'ACTIVITY_TASK_SCHEDULED');
      assert.match(
        outcome.error.event.detail ?? '',
        new RegExp(`activity ${scheduled?.activityTaskScheduledEventAttributes?.activityType?.name}`),
      );
    });

    it('still replays the workflows it did not change', async () => {
      const sources = await Promise.all(
        ['continuousTraining', 'driftCorrection'].map((t) => readHistoryFile(path.join(HISTORY_FIXTURES, `${t}.json`))),
      );
      const outcomes: ReplayOutcome[] = await replayHistories(sources, { workflowBundle: changed, dataConverter: testDataConverter });
      assert.deepEqual(
        outcomes.map((o) => o.ok),
        [true, true],
      );
    });
  });

  it('`nlp-batch replay <files>` reports each history and exits non-zero naming the diverging event', async () => {
    // A history the current code cannot have produced: its first activity renamed.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-replay-'));
    try {
      const json = JSON.parse(await fs.readFile(path.join(HISTORY_FIXTURES, 'manualPromotion.json'), 'utf8'));
      const scheduled = json.events.find((e: Record<string, unknown>) => e.activityTaskScheduledEventAttributes);
      scheduled.activityTaskScheduledEventAttributes.activityType.name = 'renamedActivity';
      const tampered = path.join(dir, 'tampered.json');
      await fs.writeFile(tampered, JSON.stringify(json));
      const cli = path.resolve(__dirname, '../../src/client/cli.js');
      const env = { ...process.env, ...testCodecEnv, TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_EMBEDDED: 'false', DATA_DIR: dir };
      const good = path.join(HISTORY_FIXTURES, 'scheduledTraining.json');
      const failure = await run(process.execPath, [cli, 'replay', good, tampered], { env, timeout: 120_000 }).then(
        () => assert.fail('replay of a tampered history exited 0'),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      assert.equal(failure.code, 1);
      const lines = failure.stdout.trim().split('\n');
      assert.match(lines[0], /^ok +scheduledTraining /);
      assert.match(
        failure.stdout,
        new RegExp(
          `NONDETERMINISTIC manualPromotion tampered .*\\n +diverged at event ${scheduled.eventId} ACTIVITY_TASK_SCHEDULED: activity renamedActivity`,
        ),
      );
      assert.match(failure.stderr, /1 of 2 histories failed to replay \(1 nondeterministic\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, WorkflowFailedError } from '@temporalio/client';
import type { PipelineWorker } from '../../src/workers/pipeline-worker';
import { ingestOptions, ingestWorkflowId } from '../../src/client/ingest';
import { loadSettings } from '../../src/config/settings';
import type { IngestOptionsV1, SourceRefV1 } from '../../src/contracts/ingest-batch';
import { LocalProcessRunner } from '../../src/jobs/local-process-runner';
import { ShardThreadPool } from '../../src/workers/shard-pool';
import { ingestBatch } from '../../src/workflows/ingest-batch';
import { messagesToCsv, sampleMessages } from '../helpers/corpus';
import { seedModel } from '../helpers/seed-model';
import { activityAttemptsOf } from '../helpers/batch-history';
import { pipelineFixture, type PipelineFixture } from '../helpers/temporal-env';

const settings = loadSettings({});

const attemptsOf = (fx: PipelineFixture, workflowId: string) => activityAttemptsOf(fx.env.client, workflowId);

/** The ApplicationFailure under the workflow's failure (an activity's, or a workflow's own), through a failed range. */
async function failureOf(promise: Promise<unknown>): Promise<{ failure: ApplicationFailure; activityType?: string }> {
  const err = await promise.then(
    () => assert.fail('the batch should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError, String(err));
  // A failure inside a range (child workflow) reaches the batch wrapped in a ChildWorkflowFailure.
  const cause = err.cause instanceof ChildWorkflowFailure ? err.cause.cause : err.cause;
  if (cause instanceof ActivityFailure) {
    assert.ok(cause.cause instanceof ApplicationFailure, String(cause.cause));
    return { failure: cause.cause, activityType: cause.activityType };
  }
  assert.ok(cause instanceof ApplicationFailure, String(cause));
  return { failure: cause };
}

describe('permanent failures fail at once, typed (real Temporal server)', function () {
  this.timeout(120_000);
  let fx: PipelineFixture;
  let worker: PipelineWorker | undefined;
  let running: Promise<void> | undefined;
  let emptyDir: string;

  before(async () => {
    fx = await pipelineFixture();
    await seedModel(fx.deps.registry, 'perm', 300);
    await fx.deps.store.put('raw/perm/a.csv', messagesToCsv(sampleMessages(30, 400)));
    emptyDir = mkdtempSync(path.join(os.tmpdir(), 'perm-empty-'));
  });
  after(() => {
    fx.cleanup();
    rmSync(emptyDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    worker?.shutdown();
    await running;
    worker = undefined;
  });

  let counter = 0;
  function start(modelName: string, sources: SourceRefV1[], overrides: Partial<IngestOptionsV1> = {}) {
    const batchId = `perm${Date.now()}-${counter++}`;
    return fx.env.client.workflow.start(ingestBatch, {
      taskQueue: fx.taskQueue,
      workflowId: ingestWorkflowId(batchId),
      args: [{ version: 1, batchId, modelName, sources, options: ingestOptions(settings, { driftCheckEveryBatches: 0, ...overrides }) }],
    });
  }

  it('`--model ../../secrets`: InvalidModelName at the first attempt, naming the model', async () => {
    worker = await fx.newWorker();
    running = worker.run();
    const handle = await start('../../secrets', [{ key: 'raw/perm/a.csv' }]);
    const { failure } = await failureOf(handle.result());
    assert.equal(failure.type, 'InvalidModelName');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /"\.\.\/\.\.\/secrets"/);
    assert.deepEqual((await attemptsOf(fx, handle.workflowId)).resolveModel, [1]);
  });

  it('a model that does not exist: ModelNotFound at the first attempt, naming the model', async () => {
    worker = await fx.newWorker();
    running = worker.run();
    const handle = await start('nosuchmodel', [{ key: 'raw/perm/a.csv' }]);
    const { failure } = await failureOf(handle.result());
    assert.equal(failure.type, 'ModelNotFound');
    assert.match(failure.message, /nosuchmodel/);
    assert.deepEqual((await attemptsOf(fx, handle.workflowId)).resolveModel, [1]);
  });

  it('a scoring process that exits with the permanent code fails its range at once, non-retryably, typed: the job is never resubmitted', async () => {
    // The processes look for the job spec in an empty store: ObjectNotFound, exit code 2.
    const runner = new LocalProcessRunner({ env: { STORE: 'fs', STORE_ROOT: emptyDir, DATA_DIR: emptyDir } });
    worker = await fx.newWorker({ runners: { scoring: runner, pollMs: 100 } });
    running = worker.run();
    try {
      const handle = await start('perm', [{ key: 'raw/perm/a.csv' }], { placement: { scoring: 'local' } });
      const { failure } = await failureOf(handle.result());
      assert.equal(failure.type, 'RemoteJobBadInput');
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, /ObjectNotFound|no such object/);
      // One submission, polled until it failed: no second job.
      assert.deepEqual((await attemptsOf(fx, handle.workflowId)).submitRemoteJob, [1]);
    } finally {
      await runner.close();
    }
  });

  it('an error raised in a shard thread keeps its type and non-retryable flag', async () => {
    // A version whose model.json is not JSON: loading it in the thread is a ModelArtifactError.
    await seedModel(fx.deps.registry, 'broken', 200);
    const latest = await fx.deps.registry.latest('broken');
    await fx.deps.store.put(fx.deps.registry.versionKeys('broken', latest?.version as string).model, '{not json');
    const pool = new ShardThreadPool({ STORE: 'fs', STORE_ROOT: fx.deps.store.root, DATA_DIR: fx.dir }, 1);
    worker = await fx.newWorker({ shardPool: pool });
    running = worker.run();
    try {
      const handle = await start('broken', [{ key: 'raw/perm/a.csv' }]);
      const { failure, activityType } = await failureOf(handle.result());
      assert.equal(activityType, 'processShard');
      assert.equal(failure.type, 'ModelArtifactInvalid');
      assert.equal(failure.nonRetryable, true);
      assert.deepEqual((await attemptsOf(fx, handle.workflowId)).processShard, [1]);
    } finally {
      await pool.close();
    }
  });
});

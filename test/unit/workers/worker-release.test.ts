import assert from 'node:assert/strict';
import { NativeConnection } from '@temporalio/worker';
import { createPipelineWorker } from '../../../src/workers/pipeline-worker';
import { ShardThreadPool } from '../../../src/workers/shard-pool';
import { testDataConverter } from '../../helpers/codec';
import { pipelineFixture, workflowBundle, type PipelineFixture } from '../../helpers/temporal-env';

/**
 * A worker process that fails between creating its Temporal workers and running them (the
 * closed-run-watch schedule refused, a CPU worker that cannot be created) must report that error
 * and release its connection, not fail again with "Cannot close connection while Workers hold a
 * reference to it", which hid the real cause.
 */
describe('pipeline workers that never ran', function () {
  this.timeout(60_000);
  let fx: PipelineFixture;
  let connection: NativeConnection;

  before(async () => {
    fx = await pipelineFixture();
  });
  beforeEach(async () => {
    connection = await NativeConnection.connect({ address: fx.env.address });
  });
  afterEach(async () => {
    await connection.close().catch(() => undefined);
  });

  const create = async (cpuSlots?: number, shardPool?: ShardThreadPool) =>
    createPipelineWorker({
      connection,
      namespace: fx.env.namespace ?? 'default',
      taskQueue: fx.taskQueue,
      deps: { ...fx.deps, client: fx.env.client, ...(shardPool && { shardPool }) },
      dataConverter: testDataConverter,
      workflowBundle: await workflowBundle(),
      ...(cpuSlots !== undefined && { cpuSlots }),
    });

  it('release their connection when the process gives up before running them', async () => {
    const worker = await create();
    await worker.release();
    await connection.close();
  });

  it('fail with the original error, connection released, when the CPU worker cannot be created', async () => {
    await assert.rejects(create(-1), (err: Error) => {
      assert.doesNotMatch(err.message, /hold a reference/);
      return true;
    });
    await connection.close();
  });

  it('start the CPU pool threads with a worker that polls the CPU queue, loaded before any task', async () => {
    const pool = new ShardThreadPool({ STORE: 'fs', STORE_ROOT: fx.deps.store.root, DATA_DIR: fx.dir }, 2);
    assert.equal(pool.threads.length, 0);
    let answered: number[] | undefined;
    const start = pool.start.bind(pool);
    pool.start = async () => (answered = await start());
    const worker = await create(undefined, pool);
    try {
      assert.equal(pool.threads.length, 2);
      // Both threads answered (their modules are loaded) before the worker was handed back.
      assert.ok(answered, 'the worker was created before its threads were ready');
      assert.deepEqual(new Set(answered).size, 2);
      assert.deepEqual(new Set(answered), new Set(pool.threads.map((t) => t.threadId)));
    } finally {
      await worker.release();
      await pool.close();
    }
  });
});

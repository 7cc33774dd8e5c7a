import assert from 'node:assert/strict';
import { ConfigError, loadSettings } from '../../../src/config/settings';

describe('worker settings', () => {
  it('refuses STORE=fs when the Temporal server is not on this machine, and says what to do', () => {
    assert.throws(
      () => loadSettings({ TEMPORAL_ADDRESS: 'temporal.prod.internal:7233' }),
      (err: unknown) => err instanceof ConfigError && /STORE=fs/.test(err.message) && /STORE=s3/.test(err.message),
    );
    assert.throws(() => loadSettings({ TEMPORAL_ADDRESS: '10.0.0.5:7233', STORE: 'fs' }), ConfigError);
    // The same settings with S3, or with a server on this machine, are fine.
    assert.equal(loadSettings({ TEMPORAL_ADDRESS: 'temporal.prod.internal:7233', STORE: 's3', S3_BUCKET: 'b' }).store.kind, 's3');
    for (const address of ['127.0.0.1:7233', 'localhost:7233', '[::1]:7233'])
      assert.equal(loadSettings({ TEMPORAL_ADDRESS: address }).store.kind, 'fs');
  });

  it('reads the queues a worker polls and its CPU slots', () => {
    assert.deepEqual(loadSettings({}).worker.queues, ['workflows', 'cpu']);
    const cpuOnly = loadSettings({ WORKER_QUEUES: 'cpu', WORKER_CPU_SLOTS: '6' }).worker;
    assert.deepEqual([cpuOnly.queues, cpuOnly.cpuSlots], [['cpu'], 6]);
    assert.throws(() => loadSettings({ WORKER_QUEUES: 'workflows,gpu' }), /WORKER_QUEUES: "gpu"/);
  });
});

import { DefaultLogger, Runtime } from '@temporalio/worker';
import { teardownSharedEnv } from './temporal-env';

/**
 * Loaded by mocha (`--require`). Workers log every expected failure at WARN; tests assert on those
 * failures themselves, so only errors reach the console. The shared Temporal server stops after
 * the last test.
 */
Runtime.install({ logger: new DefaultLogger('ERROR') });

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await teardownSharedEnv();
  },
};

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { allSearchAttributes } from '../../src/contracts/search-attributes';
import { venvBin } from '../../src/util/repo-root';
import { FsObjectStore } from '../../src/storage/fs-object-store';
import { LocalProcessRunner } from '../../src/jobs/local-process-runner';
import { FileMetricsSink } from '../../src/metrics/file-metrics-sink';
import { FileNotifier } from '../../src/notify/file-notifier';
import { ModelRegistry } from '../../src/model';
import { createPipelineWorker, workflowsPath, type PipelineWorker, type PipelineWorkerOptions } from '../../src/workers/pipeline-worker';
import type { PipelineDependencies } from '../../src/workers/dependencies';
import { failureConverterPath } from '../../src/codec';
import { testCodecPlugin, testDataConverter } from './codec';

/**
 * One real Temporal dev server (the official CLI from the project venv) shared by every workflow
 * test file in a run, and one workflow bundle: both take seconds to make.
 */
let envPromise: Promise<TestWorkflowEnvironment> | undefined;
let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;

export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  envPromise ??= TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: venvBin('temporal') },
      searchAttributes: [...allSearchAttributes],
      log: { format: 'json', level: 'error' },
      extraArgs: ['--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true'],
    },
    // Payloads are encrypted in every test, as in production (test/helpers/codec.ts).
    plugins: [testCodecPlugin],
  });
  return envPromise;
}

export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    failureConverterPath: failureConverterPath(),
    logger: quietLogger,
  });
  return bundlePromise;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

/** Stops the shared server once, after the whole run (registered as a mocha root hook). */
export async function teardownSharedEnv(): Promise<void> {
  if (envPromise) await (await envPromise).teardown();
  envPromise = undefined;
}

export interface PipelineFixture {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  dir: string;
  deps: PipelineDependencies & { store: FsObjectStore };
  notificationsFile: string;
  metricsFile: string;
  newWorker(
    overrides?: Partial<PipelineDependencies>,
    options?: Pick<PipelineWorkerOptions, 'activityInterceptors'>,
  ): Promise<PipelineWorker>;
  cleanup(): void;
}

/** A fresh store folder and task queue per test, on the shared server. */
export async function pipelineFixture(): Promise<PipelineFixture> {
  const env = await devServerEnv();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nlp-batch-test-'));
  const store = new FsObjectStore(path.join(dir, 'store'));
  const notificationsFile = path.join(dir, 'notifications.jsonl');
  const metricsFile = path.join(dir, 'metrics.jsonl');
  const runner = new LocalProcessRunner({ env: { STORE: 'fs', STORE_ROOT: store.root, DATA_DIR: dir } });
  const deps = {
    runners: { scoring: runner, pollMs: 100 },
    store,
    registry: new ModelRegistry(store),
    notifier: new FileNotifier(notificationsFile),
    metrics: new FileMetricsSink(metricsFile),
  };
  const taskQueue = `test-${randomUUID()}`;
  return {
    env,
    taskQueue,
    dir,
    deps,
    notificationsFile,
    metricsFile,
    newWorker: async (overrides = {}, options = {}) =>
      createPipelineWorker({
        ...options,
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        deps: { ...deps, client: env.client, ...overrides },
        dataConverter: testDataConverter,
        workflowBundle: await workflowBundle(),
      }),
    cleanup: () => {
      void runner.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A training activity worker in its own process, so a test can SIGKILL it mid-activity (a crash:
 * no graceful shutdown, no final heartbeat). Reads its settings from TRAINING_WORKER (JSON):
 * { address, namespace, taskQueue, storeRoot, notificationsFile, slowKeyPattern, delayMs }.
 * Reads of keys matching slowKeyPattern wait delayMs first, so the fit lasts long enough to be
 * killed in the middle. Prints "ready" once polling.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createTrainingActivities } from '../../src/activities/training';
import { createDriftActivities } from '../../src/activities/drift';
import { createReportActivities } from '../../src/activities/reports';
import { createTelemetryActivities } from '../../src/activities/telemetry';
import { FileMetricsSink } from '../../src/metrics/file-metrics-sink';
import { ModelRegistry } from '../../src/model';
import { FileNotifier } from '../../src/notify/file-notifier';
import path from 'node:path';
import { FsObjectStore } from '../../src/storage/fs-object-store';
import type { ObjectStore } from '../../src/storage/object-store';
import { testDataConverter } from './codec';
import { cpuTaskQueue } from '../../src/contracts/task-queues';

interface ChildSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  storeRoot: string;
  notificationsFile: string;
  slowKeyPattern: string;
  delayMs: number;
}

export function slowStore(store: ObjectStore, pattern: RegExp, delayMs: number): ObjectStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'get' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (key: string) => {
        if (pattern.test(key)) await sleep(delayMs);
        return target.get(key);
      };
    },
  });
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.TRAINING_WORKER ?? '{}') as ChildSettings;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const store = slowStore(new FsObjectStore(settings.storeRoot), new RegExp(settings.slowKeyPattern), settings.delayMs);
  const connection = await NativeConnection.connect({ address: settings.address });
  // The fit runs on the CPU queue, the rest of training's activities on the workflows' queue: serve both.
  const workers = await Promise.all(
    [settings.taskQueue, cpuTaskQueue(settings.taskQueue)].map((taskQueue) =>
      Worker.create({
        connection,
        namespace: settings.namespace,
        taskQueue,
        dataConverter: testDataConverter,
        // Send heartbeats at once rather than at 80% of the timeout, so the test sees checkpoints as they happen.
        maxHeartbeatThrottleInterval: '100ms',
        // Activities only: the test process keeps the workflow worker, so the workflow's cache
        // survives the kill and only the activity has to be retried.
        activities: {
          ...createTrainingActivities({
            store,
            registry: new ModelRegistry(store),
            notifier: new FileNotifier(settings.notificationsFile),
            // Checkpoint the class sums after every shard, so a kill always has one to resume from.
            fit: { countsCheckpointMs: 0 },
          }),
          // continuousTraining stores the version's drift baseline after the fit.
          ...createDriftActivities({ store, registry: new ModelRegistry(store), notifier: new FileNotifier(settings.notificationsFile) }),
          // ... and its report and ModelF1 after the decision, like every pipeline worker.
          ...createReportActivities({ store, registry: new ModelRegistry(store) }),
          ...createTelemetryActivities({
            store,
            notifier: new FileNotifier(settings.notificationsFile),
            metrics: new FileMetricsSink(path.join(path.dirname(settings.notificationsFile), 'metrics.jsonl')),
          }),
        },
      }),
    ),
  );
  const running = Promise.all(workers.map((w) => w.run()));
  process.stdout.write('ready\n');
  await running;
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`training-activity-worker: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}

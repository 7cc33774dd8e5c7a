import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import { FileMetricsSink } from '../metrics/file-metrics-sink';
import type { MetricsSink } from '../metrics/metrics-sink';
import { ModelRegistry } from '../model';
import { FileNotifier } from '../notify/file-notifier';
import type { Notifier } from '../notify/notifier';
import { FsObjectStore } from '../storage/fs-object-store';
import type { ObjectStore } from '../storage/object-store';

export interface PipelineDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
  notifier: Notifier;
  metrics: MetricsSink;
  /** Lets trigger activities start or signal other workflows (training on new data, drift checks). */
  client?: Client;
  /** Task queue and limits for the workflows that trigger activities start. */
  settings?: Settings;
}

export function localFiles(settings: Settings) {
  return {
    notifications: path.join(settings.dataDir, 'notifications.jsonl'),
    metrics: path.join(settings.dataDir, 'metrics.jsonl'),
  };
}

/** Picks each port's adapter from configuration. */
export function buildDependencies(settings: Settings, echo: (line: string) => void = () => undefined): PipelineDependencies {
  const files = localFiles(settings);
  const store = buildStore(settings);
  return {
    settings,
    store,
    registry: new ModelRegistry(store),
    notifier: new FileNotifier(files.notifications, echo),
    metrics: new FileMetricsSink(files.metrics),
  };
}

export function buildStore(settings: Settings): ObjectStore {
  if (settings.store.kind === 'fs') return new FsObjectStore(settings.store.root);
  throw new Error('STORE=s3 is not wired yet');
}

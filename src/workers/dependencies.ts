import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { RemoteRunners } from '../activities/ingest/remote-stages';
import { createBatchClient, createCloudWatchClient, createGlueClient, createSnsClient } from '../aws/clients';
import { objectStoreFromSettings, storeEnvironment } from '../aws/store-from-settings';
import type { Settings } from '../config/settings';
import { AwsBatchRunner } from '../jobs/aws-batch-runner';
import { GlueRunner, glueStoreArguments } from '../jobs/glue-runner';
import { LocalProcessRunner } from '../jobs/local-process-runner';
import { CloudWatchMetricsSink } from '../metrics/cloudwatch-metrics-sink';
import { FileMetricsSink } from '../metrics/file-metrics-sink';
import type { MetricsSink } from '../metrics/metrics-sink';
import { ModelRegistry } from '../model';
import { FileNotifier } from '../notify/file-notifier';
import type { Notifier } from '../notify/notifier';
import { SnsNotifier } from '../notify/sns-notifier';
import type { ObjectStore } from '../storage/object-store';
import { ShardThreadPool } from './shard-pool';

export interface PipelineDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
  notifier: Notifier;
  metrics: MetricsSink;
  /** Where the ETL and scoring stages run when not in the worker. */
  runners?: RemoteRunners;
  /** Threads for the in-worker stages (cleaning, and scoring when BATCH=worker). */
  shardPool?: ShardThreadPool;
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
  const store = buildStore(settings);
  return {
    settings,
    store,
    registry: new ModelRegistry(store),
    notifier: buildNotifier(settings, echo),
    metrics: buildMetricsSink(settings),
    runners: buildRunners(settings),
    // As many threads as the CPU queue has slots: each CPU activity gets a core.
    shardPool: new ShardThreadPool(storeEnvironment(settings), settings.worker.cpuSlots ?? os.availableParallelism()),
  };
}

export function buildStore(settings: Settings): ObjectStore {
  return objectStoreFromSettings(settings);
}

function awsSettings(settings: Settings) {
  return { region: settings.aws.region, ...(settings.aws.endpoint !== undefined && { endpoint: settings.aws.endpoint }) };
}

function buildNotifier(settings: Settings, echo: (line: string) => void): Notifier {
  if (settings.notify === 'sns') {
    return new SnsNotifier({ client: createSnsClient(awsSettings(settings)), topicArn: settings.aws.snsTopicArn as string });
  }
  return new FileNotifier(localFiles(settings).notifications, echo);
}

function buildMetricsSink(settings: Settings): MetricsSink {
  if (settings.metrics === 'cloudwatch') {
    return new CloudWatchMetricsSink({
      client: createCloudWatchClient(awsSettings(settings)),
      namespace: settings.aws.cloudwatchNamespace,
    });
  }
  return new FileMetricsSink(localFiles(settings).metrics);
}

/** settings.ts has checked that the names these need are present. */
export function buildRunners(settings: Settings): RemoteRunners {
  const runners: RemoteRunners = {};
  if (settings.etl === 'glue') {
    runners.etl = new GlueRunner({
      client: createGlueClient(awsSettings(settings)),
      jobName: settings.aws.glueJobName as string,
      storeArgs: glueStoreArguments(settings),
    });
  }
  if (settings.batch === 'aws') {
    runners.scoring = new AwsBatchRunner({
      client: createBatchClient(awsSettings(settings)),
      jobQueue: settings.aws.batchJobQueue as string,
      jobDefinition: settings.aws.batchJobDefinition as string,
    });
  } else if (settings.batch === 'local') {
    // Child processes see the same store; fast polling because local jobs take seconds, not minutes.
    runners.scoring = new LocalProcessRunner({ env: storeEnvironment(settings) });
    runners.pollMs = 200;
  }
  return runners;
}

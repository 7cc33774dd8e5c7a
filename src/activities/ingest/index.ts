import type { Settings } from '../../config/settings';
import type { MetricsSink } from '../../metrics/metrics-sink';
import type { ModelRegistry } from '../../model';
import type { Notifier } from '../../notify/notifier';
import { VocabularyLoader } from '../../pipeline/shard-statistics';
import type { ObjectStore } from '../../storage/object-store';
import type { ShardThreadPool } from '../../workers/shard-pool';
import { createNotify } from '../notify';
import { createDescribeDeployment } from './describe-deployment';
import { createFinalizeBatch } from './finalize-batch';
import { ModelCache } from './model-cache';
import { createPrepareSource } from './prepare-source';
import { createProcessShard } from './process-shard';
import { createRecordBatchStatistics } from './record-batch-statistics';
import { createRecordMetrics } from './record-metrics';
import { createResolveBaseline } from './resolve-baseline';
import { createResolveModel } from './resolve-model';
import { createRemoteStages, type RemoteRunners } from './remote-stages';
import { createSummarizeActivities } from './summarize';

export interface IngestDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
  notifier: Notifier;
  metrics: MetricsSink;
  runners?: RemoteRunners;
  shardPool?: ShardThreadPool;
  /** The worker's settings: placement (ETL, BATCH), REDACT_PII and INFRA_RETRY_TIMEOUT decide for every batch. */
  settings?: Settings;
}

/** ingestBatch's and ingestShardRange's activities, wired to whichever adapters the worker was configured with. */
export function createIngestActivities(deps: IngestDependencies) {
  const models = new ModelCache(deps.registry);
  const vocabularies = new VocabularyLoader(deps.store);
  const inline = {
    store: deps.store,
    loadModel: (name: string, version: string) => models.get(name, version),
    loadVocabulary: (key: string) => vocabularies.load(key),
  };
  return {
    describeDeployment: createDescribeDeployment(deps.settings),
    resolveModel: createResolveModel(deps.registry),
    resolveBaseline: createResolveBaseline(deps.store, deps.registry),
    prepareSource: createPrepareSource(deps.store),
    processShard: createProcessShard(inline, deps.shardPool),
    ...createSummarizeActivities(deps.store, models),
    finalizeBatch: createFinalizeBatch(deps.store),
    recordBatchStatistics: createRecordBatchStatistics(deps.store),
    recordMetrics: createRecordMetrics(deps.metrics),
    notify: createNotify(deps.notifier),
    ...createRemoteStages(deps.store, models, deps.runners ?? {}),
  };
}

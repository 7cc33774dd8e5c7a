import type { MetricsSink } from '../../metrics/metrics-sink';
import type { ModelRegistry } from '../../model';
import type { Notifier } from '../../notify/notifier';
import type { ObjectStore } from '../../storage/object-store';
import type { ShardThreadPool } from '../../workers/shard-pool';
import { createNotify } from '../notify';
import { createFinalizeBatch } from './finalize-batch';
import { ModelCache } from './model-cache';
import { createPrepareSource } from './prepare-source';
import { createProcessShard } from './process-shard';
import { createRecordMetrics } from './record-metrics';
import { createResolveModel } from './resolve-model';
import { createRemoteStages, type RemoteRunners } from './remote-stages';

export interface IngestDependencies {
  store: ObjectStore;
  registry: ModelRegistry;
  notifier: Notifier;
  metrics: MetricsSink;
  runners?: RemoteRunners;
  shardPool?: ShardThreadPool;
}

/** ingestBatch's activities, wired to whichever adapters the worker was configured with. */
export function createIngestActivities(deps: IngestDependencies) {
  const models = new ModelCache(deps.registry);
  return {
    resolveModel: createResolveModel(deps.registry),
    prepareSource: createPrepareSource(deps.store),
    processShard: createProcessShard(deps.store, models, deps.shardPool),
    finalizeBatch: createFinalizeBatch(deps.store),
    recordMetrics: createRecordMetrics(deps.metrics),
    notify: createNotify(deps.notifier),
    ...createRemoteStages(deps.store, models, deps.runners ?? {}),
  };
}

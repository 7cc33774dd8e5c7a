import os from 'node:os';
import type { Logger } from 'pino';
import { codecDataConverter, createPayloadCodec } from '../codec';
import { ConfigError, type Settings } from '../config/settings';
import { cpuTaskQueue, type WorkerQueueKind } from '../contracts/task-queues';
import { closeRunners } from '../activities/ingest/remote-stages';
import { connectClient, connectWorker } from '../temporal/connection';
import { ensureClosedRunWatchSchedule } from '../telemetry/closed-run-schedule';
import { createTracing } from '../telemetry/tracing';
import { buildDependencies } from './dependencies';
import { createPipelineWorker, type PipelineWorker } from './pipeline-worker';
import { loadPrebuiltBundle } from './workflow-bundle';

export interface WorkerProcessOptions {
  queues?: WorkerQueueKind[];
  cpuSlots?: number;
}

/**
 * A standalone worker (the container's entry, `nlp-batch worker`, `node dist/src/workers/main.js`):
 * connects to the configured server — never starts one — and polls the queues asked for until
 * SIGINT/SIGTERM, which drain it. Run more of them, on more machines, against one cluster and one
 * S3 bucket to scale out (docs/scaling.md).
 *
 * Telemetry (docs/reports-lake-telemetry.md): the caller installs the runtime logger with
 * TEMPORAL_METRICS_ADDRESS (Core's Prometheus metrics are per process); traces go over OTLP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; a worker polling the workflows queue ensures the
 * closed-run-watch Schedule (alerts on terminated or timed-out batches).
 */
export async function runWorkerProcess(settings: Settings, logger: Logger, options: WorkerProcessOptions = {}): Promise<void> {
  const codec = await createPayloadCodec(settings, (line) => logger.info(line));
  const dataConverter = codecDataConverter(codec);
  const connection = await connectWorker(settings.temporal);
  const client = await connectClient(settings.temporal, dataConverter);
  const queues = options.queues ?? settings.worker.queues;
  const cpuSlots = options.cpuSlots ?? settings.worker.cpuSlots ?? os.availableParallelism();
  // The CPU pool gets as many threads as the CPU queue has slots.
  const effective = { ...settings, worker: { ...settings.worker, cpuSlots } };
  const deps = { ...buildDependencies(effective, (line) => logger.info({ component: 'notifier' }, line)), client };
  const prebuilt = settings.worker.workflowBundle ? await loadPrebuiltBundle(settings.worker.workflowBundle) : undefined;
  const buildId = settings.worker.buildId ?? prebuilt?.buildId;
  const tracing = createTracing(settings);
  // Workflow interceptors are part of a bundle: with tracing on, the workflows are bundled here with
  // the tracing modules (the same workflow code, so the build id stays the prebuilt bundle's).
  const bundle = tracing ? undefined : prebuilt;
  if (tracing && prebuilt) logger.info('tracing is on: bundling the workflows with its interceptors instead of using WORKFLOW_BUNDLE');
  if (settings.worker.versioning && !buildId) {
    throw new ConfigError('WORKER_VERSIONING=true needs a build id: set WORKER_BUILD_ID or WORKFLOW_BUNDLE (npm run build:bundle)');
  }
  let worker: PipelineWorker | undefined;
  try {
    worker = await createPipelineWorker({
      connection,
      namespace: settings.temporal.namespace,
      taskQueue: settings.temporal.taskQueue,
      deps,
      dataConverter,
      queues,
      cpuSlots,
      ...(bundle && { workflowBundle: bundle.workflowBundle }),
      buildId,
      ...(settings.worker.versioning && { versioning: { deploymentName: settings.worker.deploymentName } }),
      plugins: tracing ? [tracing.plugin] : [],
      workflowModules: tracing?.workflowModules,
    });
    if (queues.includes('workflows')) await ensureClosedRunWatchSchedule(client, settings.temporal.taskQueue);
    // SIGINT/SIGTERM: the Temporal runtime shuts the workers down (draining activities in flight).
    logger.info(
      {
        address: settings.temporal.address,
        namespace: settings.temporal.namespace,
        taskQueues: queues.map((q) => (q === 'cpu' ? cpuTaskQueue(settings.temporal.taskQueue) : settings.temporal.taskQueue)),
        cpuSlots: queues.includes('cpu') ? cpuSlots : 0,
        buildId: buildId ?? 'unversioned',
        versioning: settings.worker.versioning,
        prebuiltBundle: bundle !== undefined,
        payloadKeyId: codec.currentKeyId,
        metrics: settings.telemetry.metricsAddress ? `http://${settings.telemetry.metricsAddress}/metrics` : 'off',
        tracing: settings.telemetry.otlpEndpoint ?? 'off',
      },
      'worker polling',
    );
    await worker.run();
  } finally {
    // Created but never run (the schedule call failed): released, or closing the connection would throw instead.
    await worker?.release();
    await tracing?.shutdown();
    await deps.shardPool?.close();
    await closeRunners(deps.runners);
    await client.connection.close();
    await connection.close();
  }
}

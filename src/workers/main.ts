import pino from 'pino';
import { codecDataConverter, createPayloadCodec } from '../codec';
import { loadSettings } from '../config/settings';
import { addLogSecret, installRuntimeLogger } from '../logging';
import { connectClient, connectWorker } from '../temporal/connection';
import { buildDependencies } from './dependencies';
import { ensureClosedRunWatchSchedule } from '../telemetry/closed-run-schedule';
import { createTracing } from '../telemetry/tracing';
import { createPipelineWorker } from './pipeline-worker';

/**
 * A standalone worker process (what the Docker image and the ECS service run). Logs are JSON lines
 * on stdout (pino), at LOG_LEVEL; workflow and activity lines carry workflowId, runId and activity.
 */
async function main(): Promise<void> {
  const settings = loadSettings();
  addLogSecret(settings.temporal.apiKey);
  const logger = installRuntimeLogger({
    level: settings.logLevel,
    destination: pino.destination({ fd: 1, sync: true }),
    metricsAddress: settings.telemetry.metricsAddress,
  });
  const tracing = createTracing(settings);
  try {
    const codec = await createPayloadCodec(settings, (line) => logger.info(line));
    const dataConverter = codecDataConverter(codec);
    const connection = await connectWorker(settings.temporal);
    const client = await connectClient(settings.temporal, dataConverter);
    const worker = await createPipelineWorker({
      connection,
      namespace: settings.temporal.namespace,
      taskQueue: settings.temporal.taskQueue,
      deps: { ...buildDependencies(settings, (line) => logger.info({ component: 'notifier' }, line)), client },
      dataConverter,
      plugins: tracing ? [tracing.plugin] : [],
      workflowModules: tracing?.workflowModules,
    });
    await ensureClosedRunWatchSchedule(client, settings.temporal.taskQueue);
    logger.info(
      {
        address: settings.temporal.address,
        namespace: settings.temporal.namespace,
        taskQueue: settings.temporal.taskQueue,
        payloadKeyId: codec.currentKeyId,
        metrics: settings.telemetry.metricsAddress ? `http://${settings.telemetry.metricsAddress}/metrics` : 'off',
        tracing: settings.telemetry.otlpEndpoint ?? 'off',
      },
      'worker polling',
    );
    await worker.run();
    await tracing?.shutdown();
    await client.connection.close();
    await connection.close();
    logger.info('worker stopped');
  } catch (err) {
    logger.error({ error: err }, 'worker failed');
    process.exit(1);
  }
}

void main();

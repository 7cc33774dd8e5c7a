import pino from 'pino';
import { loadSettings } from '../config/settings';
import { addLogSecret, installRuntimeLogger } from '../logging';
import { runWorkerProcess } from './worker-process';

/**
 * A standalone worker process (what `nlp-batch worker`, the Docker image and the ECS service run).
 * Logs are JSON lines on stdout (pino), at LOG_LEVEL; workflow and activity lines carry workflowId,
 * runId and activity. Which queues it polls: WORKER_QUEUES (default both). Metrics for Prometheus
 * at TEMPORAL_METRICS_ADDRESS and traces over OTLP when configured (docs/reports-lake-telemetry.md).
 */
async function main(): Promise<void> {
  const settings = loadSettings();
  addLogSecret(settings.temporal.apiKey);
  const logger = installRuntimeLogger({
    level: settings.logLevel,
    destination: pino.destination({ fd: 1, sync: true }),
    metricsAddress: settings.telemetry.metricsAddress,
  });
  try {
    await runWorkerProcess(settings, logger);
    logger.info('worker stopped');
  } catch (err) {
    logger.error({ error: err }, 'worker failed');
    process.exit(1);
  }
}

void main();

import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { createLogger, type LoggerOptions, type PinoLogger } from './logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The SDK's log attributes under stable names: workflow and activity logs carry `workflowId`,
 * `runId`, `workflowType`, and for activities `activity` (the activity type), `activityId` and
 * `attempt`. The task token (it can complete the activity) is dropped.
 */
export function temporalLogFields(meta: LogMetadata | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (!meta) return fields;
  for (const [key, value] of Object.entries(meta)) {
    if (key === 'taskToken') continue;
    if (key === 'workflowRunId') fields.runId = value;
    else if (key === 'activityType') fields.activity = value;
    else fields[key] = value;
  }
  return fields;
}

/**
 * SDK warnings that describe this application's design, not a problem: the CPU queue's worker
 * registers activities only, so the SDK's "no workflows" notice would greet every user of
 * `npm start`. They are kept at debug level.
 */
const EXPECTED_SDK_WARNINGS = new Set(['No workflows registered, not polling for workflow tasks']);

/** A Temporal `Logger` writing through pino. */
export class TemporalPinoLogger implements Logger {
  constructor(readonly pino: PinoLogger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const pinoLevel = level === 'WARN' && EXPECTED_SDK_WARNINGS.has(message) ? 'debug' : (LEVELS[level] ?? 'info');
    this.pino[pinoLevel](temporalLogFields(meta), message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

let installed: Runtime | undefined;

/**
 * Installs the process's Temporal Runtime with a pino logger. Workflow logs (`log` from
 * @temporalio/workflow), activity logs (`Context.current().log`) and the SDK's own lifecycle lines
 * reach it with their workflow/activity attributes, and the native core's warnings are forwarded
 * to it too (otherwise core prints them itself, on stdout, where the CLI's results go).
 * Call once, before any connection or worker is created.
 *
 * The forwarding channel keeps Node's event loop alive until the runtime shuts down. A worker
 * process shuts it down by stopping its workers (the runtime stops when idle); a command that may
 * never create a native connection must call shutdownRuntime() when it is done.
 */
export function installRuntimeLogger(options: LoggerOptions & { metricsAddress?: string }): PinoLogger {
  const { metricsAddress, ...loggerOptions } = options;
  const logger = createLogger(loggerOptions);
  installed = Runtime.install({
    logger: new TemporalPinoLogger(logger),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} },
      // Core's task, poll and activity metrics for Prometheus (src/telemetry; TEMPORAL_METRICS_ADDRESS).
      ...(metricsAddress && { metrics: { prometheus: { bindAddress: metricsAddress } } }),
    },
  });
  return logger;
}

/** Stops the runtime installRuntimeLogger installed (a no-op if it already stopped when idle). */
export async function shutdownRuntime(): Promise<void> {
  const runtime = installed;
  installed = undefined;
  await runtime?.shutdown();
}

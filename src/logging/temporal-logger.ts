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

/** A Temporal `Logger` writing through pino. */
export class TemporalPinoLogger implements Logger {
  constructor(readonly pino: PinoLogger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.pino[LEVELS[level] ?? 'info'](temporalLogFields(meta), message);
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

/**
 * Installs the process's Temporal Runtime with a pino logger. Workflow logs (`log` from
 * @temporalio/workflow), activity logs (`Context.current().log`) and the SDK's own lifecycle lines
 * reach it with their workflow/activity attributes. Call once, before any connection or worker.
 *
 * `forwardCoreLogs` also routes the native core's warnings through pino. Only for long-lived
 * processes that end by shutting their workers down (workers/main.ts): the forwarding channel
 * keeps Node's event loop alive until the runtime shuts down, which a short CLI command that never
 * creates a native connection would never do (it would hang, and even swallow SIGTERM).
 */
export function installRuntimeLogger(options: LoggerOptions & { forwardCoreLogs?: boolean }): PinoLogger {
  const logger = createLogger(options);
  Runtime.install({
    logger: new TemporalPinoLogger(logger),
    ...(options.forwardCoreLogs && {
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} } },
    }),
  });
  return logger;
}

import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { scrubString, scrubValue } from './secrets';

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type { PinoLogger };

export interface LoggerOptions {
  level: LogLevelName;
  /** Default: stderr (fd 2), synchronous, so the last lines survive a crash. */
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

/**
 * JSON lines (pino): `{"level":"info","time":"…","service":"nlp-batch","msg":"…",…}`. Every record
 * goes through scrubValue (secret-named fields, document-text fields, registered secret values)
 * and every message string through scrubString, so a careless log call cannot leak a key.
 */
export function createLogger(options: LoggerOptions): PinoLogger {
  return pino(
    {
      level: options.level,
      base: { service: 'nlp-batch', pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => scrubValue(record) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubString(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

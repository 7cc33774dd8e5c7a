export { createLogger, type LoggerOptions, type LogLevelName, type PinoLogger } from './logger';
export { addLogSecret, scrubString, scrubValue } from './secrets';
export { installRuntimeLogger, shutdownRuntime, temporalLogFields, TemporalPinoLogger } from './temporal-logger';

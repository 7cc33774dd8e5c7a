export { createLogger, type LoggerOptions, type LogLevelName, type PinoLogger } from './logger';
export { addLogSecret, scrubString, scrubValue } from './secrets';
export { installRuntimeLogger, temporalLogFields, TemporalPinoLogger } from './temporal-logger';

export type { Credential } from '@parasol/sigv4';
export { type Clock, ManualClock, OffsetClock, systemClock } from './clock.js';
export type { FunctionsConfig } from './functions/registry.js';
export type { LogFormat, Logger, LogLevel } from './logger.js';
export { DEFAULT_CREDENTIALS, type LocalService, type LocalServiceOptions, startLocalService } from './service.js';

/**
 * The local service logs in parasol's one format (@parasol/log): text on a
 * terminal, JSON lines otherwise, on stderr. Callers pass names, operations
 * and codes — never a secret value, a key or a token.
 */
import { createLogger as create, type LogFormat, type Logger, type LogLevel } from '@parasol/log';

export type { Fields, LogFormat, Logger, LogLevel } from '@parasol/log';

/** The service's logger: component `serve`, format from the flag, else PARASOL_LOG_FORMAT, else the terminal decides. */
export function createLogger(level: LogLevel = 'info', format?: LogFormat, write?: (line: string) => void): Logger {
  return create({ component: 'serve', level, format, write });
}

/**
 * The extension logs in parasol's one format (@parasol/log): JSON lines off a
 * terminal (Lambda's log stream), text on one; PARASOL_LOG_FORMAT overrides.
 * Callers pass names, codes and numbers — never a secret value, a token or a key.
 */
import { createLogger as create, type LogFormat, type Logger, type LogLevel } from '@parasol/log';

export { escapeControl, type Fields, LOG_LEVELS, type LogFormat, type Logger, type LogLevel } from '@parasol/log';

/** The extension's logger: component `extension`, on stderr. */
export function createLogger(level: LogLevel = 'info', format?: LogFormat, write?: (line: string) => void): Logger {
  return create({ component: 'extension', level, format: format ?? (process.stderr.isTTY ? 'text' : 'json'), write });
}

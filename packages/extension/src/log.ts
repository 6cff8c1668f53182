/**
 * Line logs with the extension's name as prefix (they land in the function's
 * log stream on Lambda). Callers pass names, codes and numbers — never a secret
 * value, a token or a key: nothing here could tell them apart, so nothing
 * secret is ever handed to the logger.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'none'];
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, none: 100 };

export interface Logger {
  readonly level: LogLevel;
  enabled(level: Exclude<LogLevel, 'none'>): boolean;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogWriter = (level: Exclude<LogLevel, 'none'>, line: string) => void;

const defaultWriter: LogWriter = (level, line) => {
  if (level === 'warn' || level === 'error') process.stderr.write(line);
  else process.stdout.write(line);
};

export function createLogger(level: LogLevel = 'info', write: LogWriter = defaultWriter): Logger {
  const threshold = ORDER[level];
  const emit = (lvl: Exclude<LogLevel, 'none'>) => (message: string) => {
    if (ORDER[lvl] < threshold) return;
    write(lvl, `[parasol extension] ${new Date().toISOString()} ${lvl.toUpperCase()} ${message}\n`);
  };
  return {
    level,
    enabled: (lvl) => ORDER[lvl] >= threshold,
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
  };
}

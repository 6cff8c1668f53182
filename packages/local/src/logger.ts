/**
 * Structured logs on stderr, one JSON object per line. Callers pass names,
 * operations and codes — never a secret value, a key or a token.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, none: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const threshold = ORDER[level];
  const emit = (lvl: Exclude<LogLevel, 'none'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < threshold) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

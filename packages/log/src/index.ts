/**
 * @parasol/log — the one log format of every parasol process (`serve`,
 * `extension`, `dev`, the Lambda layers):
 *
 * - `text` on a terminal: `17:20:01.234Z INFO  extension: listening on http://127.0.0.1:2773`,
 *   fields after the message as `key=value` (quoted when they hold spaces or quotes);
 * - `json` otherwise (pipes, files, CloudWatch): one object per line,
 *   `{"time","level","component","msg",...fields}`.
 *
 * Level names are the same everywhere: `debug info warn error` (and `none`).
 * Every string that reaches a line — message and fields — has its control
 * characters escaped (C0, DEL, C1, U+2028/2029, bidi overrides), so a logged
 * name such as a secret id decoded from `%0A%1B[…` can never forge a line or
 * drive a terminal. Callers pass names, codes and numbers, never a secret
 * value, a token or a key: nothing here could tell them apart.
 *
 * Zero dependencies and one small file: the extension loads it at cold start.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';
export type LogFormat = 'text' | 'json';
/** Every level name, least to most severe, then `none` (nothing is logged). */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'none'];
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];
/** The environment variable that sets the format where no flag can (the extension on Lambda). */
export const LOG_FORMAT_ENV = 'PARASOL_LOG_FORMAT';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, none: 100 };

/** Values a field may carry; `undefined` and `null` leave the field out. A list is a JSON array, or `a,b` in text. */
export type FieldValue = string | number | boolean | readonly string[] | null | undefined;
export type Fields = Record<string, FieldValue>;

export interface Logger {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Whether a line at `level` would be written (check once before building costly fields). */
  enabled(level: Exclude<LogLevel, 'none'>): boolean;
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** The same level, format and writer under another component name (`dev` runs `serve` and `extension`). */
  child(component: string): Logger;
}

export interface LoggerOptions {
  /** What is logging: `serve`, `extension`, `dev`. */
  component: string;
  level?: LogLevel;
  /** Default: {@link defaultLogFormat} of the environment and stderr. */
  format?: LogFormat;
  /** Receives whole lines, newline included. Default: process.stderr. */
  write?: (line: string) => void;
  /** Clock for the time stamp (tests). */
  now?: () => Date;
}

/** Parses a level name in any case (`INFO`, `info`); throws naming `what` and the allowed names. */
export function parseLogLevel(raw: string, what = 'log level'): LogLevel {
  const lower = raw.trim().toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(lower)) throw new Error(`${what} must be one of debug, info, warn, error, none (any case), got '${raw}'`);
  return lower;
}

/** Parses `text` or `json` (any case); throws naming `what`. */
export function parseLogFormat(raw: string, what = 'log format'): LogFormat {
  const lower = raw.trim().toLowerCase() as LogFormat;
  if (!LOG_FORMATS.includes(lower)) throw new Error(`${what} must be text or json, got '${raw}'`);
  return lower;
}

/**
 * The format when no flag says: PARASOL_LOG_FORMAT if set, else `text` when the
 * log stream is a terminal and `json` when it is not (a pipe, a file, Lambda).
 */
export function defaultLogFormat(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stderr): LogFormat {
  const fromEnv = env[LOG_FORMAT_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseLogFormat(fromEnv, LOG_FORMAT_ENV);
  return stream.isTTY ? 'text' : 'json';
}

// C0 controls, DEL, C1 controls, the Unicode line and paragraph separators,
// and the bidirectional overrides/isolates that can reorder what a reader sees.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `s` with every control character written as a visible escape (`\n`, `\x1b`, `\x85`, `\u2028`). */
export function escapeControl(s: string): string {
  return CONTROL.test(s) ? s.replace(CONTROL_ALL, escapeChar) : s;
}

// A text-format value is quoted when it is empty or holds a space, a quote, `=`, a backslash or a control.
const NEEDS_QUOTES = new RegExp(`[\\s"=\\\\]|${CONTROL.source}`);
const QUOTED_ESCAPES = new RegExp(`["\\\\]|${CONTROL.source}`, 'g');

function textValue(v: string | number | boolean | readonly string[]): string {
  const s = typeof v === 'object' ? v.join(',') : String(v);
  if (s !== '' && !NEEDS_QUOTES.test(s)) return s;
  return `"${s.replace(QUOTED_ESCAPES, (c) => (c === '"' || c === '\\' ? `\\${c}` : escapeChar(c)))}"`;
}

function textLine(time: Date, level: string, component: string, msg: string, fields?: Fields): string {
  let line = `${time.toISOString().slice(11)} ${level.toUpperCase().padEnd(5)} ${component}: ${escapeControl(msg)}`;
  if (fields) {
    for (const key in fields) {
      const v = fields[key];
      if (v !== undefined && v !== null) line += ` ${key}=${textValue(v)}`;
    }
  }
  return `${line}\n`;
}

function jsonLine(time: Date, level: string, component: string, msg: string, fields?: Fields): string {
  const record: Record<string, string | number | boolean | string[]> = {
    time: time.toISOString(),
    level,
    component,
    msg: escapeControl(msg),
  };
  if (fields) {
    for (const key in fields) {
      const v = fields[key];
      if (v === undefined || v === null || key in record) continue;
      record[key] = typeof v === 'string' ? escapeControl(v) : typeof v === 'object' ? v.map((x) => escapeControl(String(x))) : v;
    }
  }
  return `${JSON.stringify(record)}\n`;
}

const writeStderr = (line: string) => {
  process.stderr.write(line);
};

/** A logger for one component. A disabled level costs one comparison and allocates nothing. */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? defaultLogFormat();
  const write = options.write ?? writeStderr;
  const now = options.now ?? (() => new Date());
  const threshold = ORDER[level];
  const render = format === 'json' ? jsonLine : textLine;
  const emit = (lvl: Exclude<LogLevel, 'none'>) => {
    if (ORDER[lvl] < threshold) return () => {};
    return (msg: string, fields?: Fields) => write(render(now(), lvl, options.component, msg, fields));
  };
  return {
    level,
    format,
    enabled: (lvl) => ORDER[lvl] >= threshold,
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (component) => createLogger({ ...options, level, format, component }),
  };
}

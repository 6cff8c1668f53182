/**
 * What every command shares: flag parsing whose mistakes are usage errors
 * (exit 2, pointing at `--help`), and the `--log-level` / `--log-format` flags.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { defaultLogFormat, type LogFormat, type LogLevel, parseLogFormat, parseLogLevel } from '@parasol/log';

/** A mistake in how the command was called: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    /** The command whose `--help` to point at, e.g. `serve`. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>;

/** `parseArgs` (strict, no positionals) whose errors — unknown flag, missing value — are UsageErrors. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    if (String((e as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) throw new UsageError((e as Error).message, command);
    throw e;
  }
}

/** The two log flags, as parseArgs options (every long-running command takes them). */
export const LOG_OPTIONS = {
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
} as const satisfies Options;

export const LOG_HELP = `  --log-level LEVEL      debug, info, warn, error or none (default info)
  --log-format FORMAT    text or json (default: $PARASOL_LOG_FORMAT, else text on a terminal, JSON lines otherwise)`;

/** Validates the log flags; a bad value is a UsageError naming the flag. */
export function logSettings(
  command: string,
  values: { 'log-level'?: string; 'log-format'?: string },
): { level: LogLevel; format: LogFormat } {
  try {
    return {
      level: values['log-level'] === undefined ? 'info' : parseLogLevel(values['log-level'], '--log-level'),
      format: values['log-format'] === undefined ? defaultLogFormat() : parseLogFormat(values['log-format'], '--log-format'),
    };
  } catch (e) {
    throw new UsageError((e as Error).message, command);
  }
}

/** A TCP port flag: 0-65535 (0 picks a free port). */
export function portFlag(command: string, flag: string, raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`${flag} must be an integer 0-65535, got '${raw}'`, command);
  return port;
}

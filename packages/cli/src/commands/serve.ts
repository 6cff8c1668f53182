import { readFileSync } from 'node:fs';
import { type Credential, type LocalService, type LogFormat, type Logger, type LogLevel, startLocalService } from '@parasol/local';
import { createLogger } from '@parasol/log';
import { LOG_HELP, LOG_OPTIONS, logSettings, parseFlags, portFlag, UsageError } from '../args.js';

export const HELP = `usage: parasol serve [--host 127.0.0.1] [--port 2774] [--data DIR | --in-memory]
                     [--region us-east-1] [--account-id 123456789012] [--credentials FILE]
                     [--allow-reset] [--allow-clock-control] [--log-level info] [--log-format text|json]
                     [--functions FILE] [--allow-host NAME]...

Local AWS-compatible Secrets Manager + Parameter Store (AWS JSON 1.1, SigV4).
  --host ADDR            address to listen on (default 127.0.0.1)
  --port N               port to listen on; 0 picks a free one (default 2774)
  --data DIR             durable store (SQLite WAL) and master.key (default ./.data)
  --in-memory            throwaway store, nothing written to disk
  --credentials FILE     JSON list of {"accessKeyId","secretAccessKey"}; default test/test
  --credentials any      accept any access key, no signature check (throwaway use only)
  --allow-host NAME      also answer requests whose Host is NAME (repeatable); on loopback,
                         only loopback names are answered otherwise (DNS-rebinding guard)
  --allow-reset          enable POST /_parasol/reset (wipes all state)
  --allow-clock-control  enable POST /_parasol/clock {"advanceSeconds": N} (tests)
  --region REGION        region of background work such as scheduled rotations (default $AWS_REGION, else us-east-1)
  --account-id ID        12-digit account id in ARNs (default 123456789012)
  --functions FILE       rotation functions: JSON map of Lambda ARN (or name) to a module
                         exporting handler, or to an http(s) URL (see packages/rotation/README.md);
                         checked at start, re-read when the file changes
${LOG_HELP}`;

export interface ServeFlags {
  host: string;
  port: number;
  dataDir?: string;
  inMemory: boolean;
  region: string;
  accountId: string;
  credentials?: Credential[] | 'any';
  /** Host names answered besides loopback ones (`--allow-host`, repeatable). */
  allowHosts: string[];
  allowReset: boolean;
  allowClockControl: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** JSON map of rotation function ARN/name → module path or URL. */
  functions?: string;
}

/** Every flag of `serve` (its --help lists each one; a test checks). */
export const OPTIONS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '2774' },
  data: { type: 'string' },
  'in-memory': { type: 'boolean', default: false },
  region: { type: 'string', default: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' },
  'account-id': { type: 'string', default: '123456789012' },
  credentials: { type: 'string' },
  'allow-reset': { type: 'boolean', default: false },
  'allow-clock-control': { type: 'boolean', default: false },
  ...LOG_OPTIONS,
  functions: { type: 'string' },
  'allow-host': { type: 'string', multiple: true, default: [] as string[] },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseServeFlags(argv: string[]): ServeFlags | undefined {
  const { values } = parseFlags('serve', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return undefined;
  }
  const port = portFlag('serve', '--port', values.port!);
  if (values.data && values['in-memory']) throw new UsageError('--data and --in-memory are mutually exclusive', 'serve');
  if (!/^\d{12}$/.test(values['account-id']!)) throw new UsageError('--account-id must be 12 digits', 'serve');
  const log = logSettings('serve', values);
  return {
    host: values.host!,
    port,
    dataDir: values['in-memory'] ? undefined : (values.data ?? '.data'),
    inMemory: values['in-memory']!,
    region: values.region!,
    accountId: values['account-id']!,
    credentials: values.credentials === 'any' ? 'any' : values.credentials ? readCredentials(values.credentials) : undefined,
    allowHosts: values['allow-host']!,
    allowReset: values['allow-reset']!,
    allowClockControl: values['allow-clock-control']!,
    logLevel: log.level,
    logFormat: log.format,
    functions: values.functions,
  };
}

function readCredentials(file: string): Credential[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every((c) => c && typeof c.accessKeyId === 'string' && typeof c.secretAccessKey === 'string')
  ) {
    throw new Error(`${file}: expected a non-empty JSON list of {"accessKeyId", "secretAccessKey"}`);
  }
  return parsed.map((c) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }));
}

export function startFromFlags(flags: ServeFlags, logger?: Logger): Promise<LocalService> {
  return startLocalService({ ...flags, logger });
}

/** Closes the service on SIGINT/SIGTERM, then lets the process exit. */
export function closeOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export async function run(argv: string[]): Promise<void> {
  const flags = parseServeFlags(argv);
  if (!flags) return;
  const log = createLogger({ component: 'serve', level: flags.logLevel, format: flags.logFormat });
  const service = await startFromFlags(flags, log);
  // The ready line is written whatever the level: scripts and tests wait for it.
  const ready = log.enabled('info') ? log : createLogger({ component: 'serve', level: 'info', format: flags.logFormat });
  ready.info(`listening on ${service.url}`, { region: flags.region, data: flags.dataDir ?? 'in memory' });
  closeOnSignals(() => service.close());
}

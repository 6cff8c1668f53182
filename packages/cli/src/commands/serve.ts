import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Credential, type LocalService, type LogLevel, startLocalService } from '@parasol/local';

const HELP = `usage: parasol serve [--host 127.0.0.1] [--port 2774] [--data DIR | --in-memory]
                     [--region us-east-1] [--account-id 123456789012] [--credentials FILE]
                     [--allow-reset] [--allow-clock-control] [--log-level info]
                     [--functions FILE] [--allow-host NAME]...

Local AWS-compatible Secrets Manager + Parameter Store (AWS JSON 1.1, SigV4).
  --data DIR             durable store (SQLite WAL) and master.key (default ./.data)
  --in-memory            throwaway store, nothing written to disk
  --credentials FILE     JSON list of {"accessKeyId","secretAccessKey"}; default test/test
  --credentials any      accept any access key, no signature check (throwaway use only)
  --allow-host NAME      also answer requests whose Host is NAME (repeatable); on loopback,
                         only loopback names are answered otherwise (DNS-rebinding guard)
  --allow-reset          enable POST /_parasol/reset (wipes all state)
  --allow-clock-control  enable POST /_parasol/clock {"advanceSeconds": N} (tests)
  --functions FILE       rotation functions: JSON map of Lambda ARN (or name) to a module
                         exporting handler, or to an http(s) URL (see packages/rotation/README.md)`;

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
  /** JSON map of rotation function ARN/name → module path or URL. */
  functions?: string;
}

export function parseServeFlags(argv: string[]): ServeFlags | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '2774' },
      data: { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      region: { type: 'string', default: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' },
      'account-id': { type: 'string', default: '123456789012' },
      credentials: { type: 'string' },
      'allow-reset': { type: 'boolean', default: false },
      'allow-clock-control': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      functions: { type: 'string' },
      'allow-host': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return undefined;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got '${values.port}'`);
  if (values.data && values['in-memory']) throw new Error('--data and --in-memory are mutually exclusive');
  if (!/^\d{12}$/.test(values['account-id']!)) throw new Error('--account-id must be 12 digits');
  const logLevel = values['log-level']!.toLowerCase();
  if (!['debug', 'info', 'warn', 'error', 'none'].includes(logLevel))
    throw new Error('--log-level must be debug, info, warn, error or none');
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
    logLevel: logLevel as LogLevel,
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

export function startFromFlags(flags: ServeFlags): Promise<LocalService> {
  return startLocalService(flags);
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
  const service = await startFromFlags(flags);
  const store = flags.dataDir ? `data in ${flags.dataDir}` : 'in memory';
  process.stdout.write(`parasol serve: listening on ${service.url} (region ${flags.region}, ${store})\n`);
  closeOnSignals(() => service.close());
}

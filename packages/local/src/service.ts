import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Credential, SigV4Verifier } from '@parasol/sigv4';
import { type Clock, OffsetClock, systemClock } from './clock.js';
import { loadMasterKey, Vault } from './crypto.js';
import { type Db, openDatabase } from './db.js';
import { dataDirExposure } from './files.js';
import { FunctionInvoker } from './functions/invoke.js';
import { FunctionRegistry, type FunctionsConfig } from './functions/registry.js';
import { watchFunctionsFile } from './functions/watch.js';
import { createHostCheck, createUnknownKeyReporter } from './guards.js';
import { createLogger, type LogFormat, type Logger, type LogLevel } from './logger.js';
import type { ServiceContext, ServiceModule } from './module.js';
import { createSecretsManager } from './secretsmanager/index.js';
import { createRequestListener } from './server.js';
import { createParameterStore } from './ssm/index.js';

export interface LocalServiceOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Directory for parasol.db and master.key; omit (or inMemory) for a throwaway store. */
  dataDir?: string;
  inMemory?: boolean;
  /** Region used by background tasks that need one; requests carry their own. */
  region?: string;
  accountId?: string;
  /**
   * Access keys accepted (default `test`/`test`), or `'any'`: any access key, with no
   * signature check at all (LocalStack's habit; throwaway use only, logged at start).
   */
  credentials?: Credential[] | 'any';
  /**
   * Host names accepted besides loopback ones (`parasol serve --allow-host`). A service
   * bound to loopback refuses any other `Host` (DNS rebinding); bound elsewhere, it
   * checks `Host` only when this list is given.
   */
  allowHosts?: string[];
  allowReset?: boolean;
  /** Lets tests move time forward through POST /_parasol/clock. */
  allowClockControl?: boolean;
  /** Injected clock (tests); default is real time, with an offset when clock control is on. */
  clock?: Clock;
  /** How often the sweeper runs (purges, expirations, due rotations). */
  sweepIntervalMs?: number;
  logLevel?: LogLevel;
  /** `text` or `json`; default PARASOL_LOG_FORMAT, else text on a terminal and JSON lines otherwise. */
  logFormat?: LogFormat;
  logger?: Logger;
  /** Rotation functions: path of a JSON functions map (`parasol serve --functions`), or the map itself. */
  functions?: string | FunctionsConfig;
}

export interface LocalService {
  url: string;
  host: string;
  port: number;
  db: Db;
  clock: Clock;
  /** Runs every module's maintenance now (tests call this instead of waiting for the timer). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_CREDENTIALS: Credential[] = [{ accessKeyId: 'test', secretAccessKey: 'test' }];

/**
 * Explicit instead of Node's defaults (60 s for headers, 300 s for a request, no
 * connection cap), to bound what a slow or hostile client can hold: headers within
 * 10 s, the whole request (≤ 1 MiB) within 30 s, idle keep-alive 65 s (longer than
 * clients keep idle sockets, so the client closes first), at most 1,024 open
 * connections (further ones are closed at once). README: "Hardening rules".
 */
const SERVER_LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 65_000,
  /** How often Node checks the two timeouts above (its default is 30 s). */
  connectionsCheckingInterval: 2_000,
  maxConnections: 1024,
} as const;

export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  const host = options.host ?? '127.0.0.1';
  const accountId = options.accountId ?? '123456789012';
  const log = options.logger ?? createLogger(options.logLevel ?? 'info', options.logFormat);
  const dataDir = options.inMemory ? undefined : options.dataDir;
  const offsetClock = options.clock ? undefined : new OffsetClock();
  const clock: Clock = options.clock ?? (options.allowClockControl ? offsetClock! : systemClock);

  const db = openDatabase(dataDir);
  const exposure = dataDir ? dataDirExposure(dataDir) : undefined;
  if (exposure) log.warn('data directory is open to other users', { dataDir, ...exposure });
  const credentials = options.credentials ?? DEFAULT_CREDENTIALS;
  const verifier = new SigV4Verifier({ credentials });
  if (verifier.acceptsAnyKey) {
    log.warn('credentials any: every access key is accepted and no signature is checked; for throwaway use only');
  }
  const vault = new Vault(loadMasterKey(dataDir));
  let url = '';
  const registry =
    typeof options.functions === 'string' ? FunctionRegistry.fromFile(options.functions) : new FunctionRegistry(options.functions ?? {});
  const functions = new FunctionInvoker({
    registry,
    endpoint: () => url,
    credentials: credentials === 'any' ? DEFAULT_CREDENTIALS[0] : credentials[0],
    log,
  });
  // An edited functions file takes effect without a restart; warm processes of the old mapping are retired.
  const functionsWatch =
    typeof options.functions === 'string'
      ? watchFunctionsFile(registry, options.functions, log, () => void functions.retireWorkers())
      : undefined;
  const secrets = createSecretsManager({ functions });
  const modules: ServiceModule[] = [secrets, createParameterStore({ secrets: secrets.reader })];
  for (const m of modules) m.init(db);

  const region = options.region ?? 'us-east-1';
  const background = (): ServiceContext => ({
    db,
    vault,
    clock,
    log,
    accountId,
    region,
    now: clock.now(),
    callerArn: `arn:aws:iam::${accountId}:root`,
  });
  let sweeping: Promise<void> | undefined;
  const sweep = async () => {
    // One sweep at a time: a slow rotation must not be started twice by overlapping ticks.
    if (sweeping) return sweeping;
    sweeping = (async () => {
      for (const m of modules) {
        try {
          await m.sweep?.(background());
        } catch (e) {
          log.error('sweep failed', { service: m.signingName, error: e instanceof Error ? e.message : 'unknown' });
        }
      }
    })().finally(() => {
      sweeping = undefined;
    });
    return sweeping;
  };

  const listener = createRequestListener({
    modules,
    verifier,
    checkHost: createHostCheck(host, options.allowHosts),
    onUnknownAccessKey: createUnknownKeyReporter(log, verifier.accessKeyIds()),
    db,
    vault,
    clock,
    accountId,
    log,
    admin: {
      health: () => ({ status: 'ok', service: 'parasol-local', now: new Date(clock.now()).toISOString(), persistent: Boolean(dataDir) }),
      reset: options.allowReset
        ? () => {
            db.transaction(() => {
              for (const m of modules) m.reset(db);
            })();
          }
        : undefined,
      advanceClock:
        options.allowClockControl && offsetClock && !options.clock
          ? (ms) => {
              offsetClock.advance(ms);
              void sweep();
            }
          : undefined,
    },
  });

  const { maxConnections, ...timeouts } = SERVER_LIMITS;
  const server: Server = createServer(timeouts, listener);
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 2774, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const timer = setInterval(() => void sweep(), options.sweepIntervalMs ?? 30_000);
  timer.unref();

  return {
    url,
    host,
    port,
    db,
    clock,
    sweep,
    async close() {
      clearInterval(timer);
      functionsWatch?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sweeping;
      await functions.close();
      for (const m of modules) await m.close?.();
      db.close();
    },
  };
}

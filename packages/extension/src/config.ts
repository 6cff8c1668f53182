/**
 * Environment variables → validated configuration. The names, defaults and
 * ranges are exactly those of the AWS Parameters and Secrets Lambda Extension;
 * parasol's additions are PARASOL_-prefixed. An unusable value stops start-up
 * with a ConfigError naming the variable and its valid range.
 */

import { LOG_FORMAT_ENV, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '@parasol/log';
import { ConfigError } from './errors.js';
import { resolveToken } from './token.js';
import { type Endpoints, resolveEndpoints } from './upstream/endpoints.js';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ExtensionConfig {
  /** PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, 1–65535 (default 2773). */
  httpPort: number;
  /** PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED (default true). */
  cacheEnabled: boolean;
  /** PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE, 0–1000 entries shared by both services (default 1000). */
  cacheSize: number;
  /** PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL (default info). */
  logLevel: LogLevel;
  /** PARASOL_LOG_FORMAT `text` or `json`; unset → text on a terminal, JSON lines otherwise (Lambda). */
  logFormat?: LogFormat;
  /** PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS, outbound sockets per service, ≥ 1 (default 3). */
  maxConnections: number;
  /** SECRETS_MANAGER_TTL / SSM_PARAMETER_STORE_TTL in seconds, 0–300 (default 300). */
  secretsManagerTtlSeconds: number;
  ssmTtlSeconds: number;
  /** SECRETS_MANAGER_TIMEOUT_MILLIS / SSM_PARAMETER_STORE_TIMEOUT_MILLIS; 0 = no timeout (default). */
  secretsManagerTimeoutMs: number;
  ssmTimeoutMs: number;
  /** PARASOL_MAX_STALE_SECONDS: how old a cached value may be and still be served when the upstream fails transiently. */
  maxStaleSeconds: number;
  /** PARASOL_MAX_IN_FLIGHT: requests waiting for the upstream at once; more get 429 ThrottlingException (default 100). */
  maxInFlight: number;
  /** PARASOL_NEGATIVE_TTL_SECONDS: how long a not-found answer is remembered, 0–300 (default 0 = never). */
  negativeTtlSeconds: number;
  /** PARASOL_METRICS: `emf` also writes CloudWatch Embedded Metric Format lines to stdout (default: /metrics only). */
  metricsEmf: boolean;
  /** PARASOL_METRICS_EMF_EVERY: invocations between EMF lines (default 100); one more is written at SHUTDOWN. */
  metricsEmfEvery: number;
  /** PARASOL_METRICS_NAMESPACE: the CloudWatch namespace of EMF metrics (default Parasol). */
  metricsNamespace: string;
  /** PARASOL_PREFETCH_SECRETS: secret ids fetched before registering. */
  prefetchSecrets: string[];
  /** PARASOL_PREFETCH_SECRET_TAGS: tag keys; every secret with a tag key starting so is fetched before registering. */
  prefetchSecretTags: string[];
  /** PARASOL_PREFETCH_PARAMETERS: parameter names, or paths ending in `/` fetched recursively. */
  prefetchParameters: string[];
  /** The value callers must send in X-Aws-Parameters-Secrets-Token. */
  token: string;
  /** Which variable the token came from (for the debug log; never the value). */
  tokenSource: string;
  /** The file of a `file://` token, re-read on SIGHUP and when it changes. */
  tokenFile?: string;
  endpoints: Endpoints;
  /** PARASOL_SDK_ACCESS_KEY_ID / PARASOL_SDK_SECRET_ACCESS_KEY: a key pair callers of the SDK-shaped endpoint may sign with. */
  sdkKey?: { accessKeyId: string; secretAccessKey: string };
  /** PARASOL_SDK_MAX_CLOCK_SKEW_SECONDS: how far a signature's date may be from now on the SDK-shaped endpoint (default 300). */
  sdkMaxClockSkewSeconds: number;
  /** From AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; undefined → standard provider chain. */
  credentials?: StaticCredentials;
}

export const MAX_TTL_SECONDS = 300;

export interface LoadedConfig {
  config: ExtensionConfig;
  /** Lines to log at WARN once a logger exists (e.g. a TTL clamped to 300 s). */
  warnings: string[];
}

export function loadConfig(env: NodeJS.ProcessEnv): LoadedConfig {
  const warnings: string[] = [];
  const ttl = (name: string) => {
    const value = integer(env, name, 300, 0, Number.MAX_SAFE_INTEGER, '0-300');
    if (value <= MAX_TTL_SECONDS) return value;
    warnings.push(`${name} exceeds max limit of ${MAX_TTL_SECONDS}s; using ${MAX_TTL_SECONDS}s`);
    return MAX_TTL_SECONDS;
  };
  const { token, source, file } = resolveToken(env);
  const config: ExtensionConfig = {
    httpPort: integer(env, 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', 2773, 1, 65535),
    cacheEnabled: boolean(env, 'PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED', true),
    cacheSize: integer(env, 'PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE', 1000, 0, 1000),
    logLevel: logLevel(env),
    logFormat: logFormat(env),
    maxConnections: integer(env, 'PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS', 3, 1, 1000),
    secretsManagerTtlSeconds: ttl('SECRETS_MANAGER_TTL'),
    ssmTtlSeconds: ttl('SSM_PARAMETER_STORE_TTL'),
    secretsManagerTimeoutMs: integer(env, 'SECRETS_MANAGER_TIMEOUT_MILLIS', 0, 0, 2_147_483_647),
    ssmTimeoutMs: integer(env, 'SSM_PARAMETER_STORE_TIMEOUT_MILLIS', 0, 0, 2_147_483_647),
    maxStaleSeconds: integer(env, 'PARASOL_MAX_STALE_SECONDS', 900, 0, 86_400),
    maxInFlight: integer(env, 'PARASOL_MAX_IN_FLIGHT', 100, 1, 100_000),
    negativeTtlSeconds: integer(env, 'PARASOL_NEGATIVE_TTL_SECONDS', 0, 0, MAX_TTL_SECONDS),
    metricsEmf: metricsMode(env) === 'emf',
    metricsEmfEvery: integer(env, 'PARASOL_METRICS_EMF_EVERY', 100, 1, 1_000_000),
    metricsNamespace: namespace(env),
    prefetchSecrets: list(env.PARASOL_PREFETCH_SECRETS),
    prefetchSecretTags: list(env.PARASOL_PREFETCH_SECRET_TAGS),
    prefetchParameters: list(env.PARASOL_PREFETCH_PARAMETERS),
    token,
    tokenSource: source,
    ...(file !== undefined && { tokenFile: file }),
    endpoints: resolveEndpoints(env),
    credentials: staticCredentials(env),
    ...sdkKey(env),
    sdkMaxClockSkewSeconds: integer(env, 'PARASOL_SDK_MAX_CLOCK_SKEW_SECONDS', 300, 1, 900),
  };
  return { config, warnings };
}

/** The effective configuration as log lines (debug level); the token and keys are never included. */
export function describeConfig(c: ExtensionConfig): string[] {
  return [
    `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT=${c.httpPort}`,
    `PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED=${c.cacheEnabled}`,
    `PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE=${c.cacheSize}`,
    `PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL=${c.logLevel}`,
    `PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS=${c.maxConnections}`,
    `SECRETS_MANAGER_TTL=${c.secretsManagerTtlSeconds}s SSM_PARAMETER_STORE_TTL=${c.ssmTtlSeconds}s`,
    `SECRETS_MANAGER_TIMEOUT_MILLIS=${c.secretsManagerTimeoutMs} SSM_PARAMETER_STORE_TIMEOUT_MILLIS=${c.ssmTimeoutMs} (0 = none)`,
    `PARASOL_MAX_STALE_SECONDS=${c.maxStaleSeconds}`,
    `PARASOL_MAX_IN_FLIGHT=${c.maxInFlight} PARASOL_NEGATIVE_TTL_SECONDS=${c.negativeTtlSeconds}`,
    `PARASOL_METRICS=${c.metricsEmf ? `emf every ${c.metricsEmfEvery} invocations, namespace ${c.metricsNamespace}` : 'off (GET /metrics only)'}`,
    `prefetch: ${c.prefetchSecrets.length} secret(s), ${c.prefetchSecretTags.length} tag key(s), ${c.prefetchParameters.length} parameter name(s)/path(s)`,
    `token from ${c.tokenSource}`,
    `region ${c.endpoints.region}; Secrets Manager at ${c.endpoints.secretsManager}; SSM at ${c.endpoints.ssm}`,
    `credentials: ${c.credentials ? 'environment' : 'standard provider chain'}`,
    `SDK-shaped endpoint signers: ${[c.credentials ? 'the function credentials' : '', c.sdkKey ? `key ${c.sdkKey.accessKeyId}` : ''].filter(Boolean).join(' and ') || 'none (token header only)'}`,
  ];
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, range = `${min}-${max}`): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `${name} must be a whole number in the range ${range}, got '${raw}'`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ConfigError(name, `${name} must be TRUE or FALSE (any case), got '${raw}'`);
}

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const name = 'PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL';
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return 'info';
  const lower = raw.toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(lower)) {
    throw new ConfigError(name, `${name} must be one of DEBUG, INFO, WARN, ERROR, NONE (any case), got '${raw}'`);
  }
  return lower;
}

function logFormat(env: NodeJS.ProcessEnv): LogFormat | undefined {
  const raw = env[LOG_FORMAT_ENV]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const lower = raw.toLowerCase() as LogFormat;
  if (!LOG_FORMATS.includes(lower))
    throw new ConfigError(LOG_FORMAT_ENV, `${LOG_FORMAT_ENV} must be text or json (any case), got '${raw}'`);
  return lower;
}

function metricsMode(env: NodeJS.ProcessEnv): 'emf' | 'off' {
  const raw = env.PARASOL_METRICS?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'off') return 'off';
  if (raw === 'emf') return 'emf';
  throw new ConfigError('PARASOL_METRICS', `PARASOL_METRICS must be emf or off, got '${env.PARASOL_METRICS}'`);
}

function namespace(env: NodeJS.ProcessEnv): string {
  const raw = env.PARASOL_METRICS_NAMESPACE?.trim();
  if (raw === undefined || raw === '') return 'Parasol';
  // CloudWatch: 1–255 characters of letters, digits and . - _ / # : (and space); no leading colon.
  if (raw.length > 255 || !/^[A-Za-z0-9.\-_/#: ]+$/.test(raw) || raw.startsWith(':')) {
    throw new ConfigError(
      'PARASOL_METRICS_NAMESPACE',
      `PARASOL_METRICS_NAMESPACE must be a CloudWatch namespace (letters, digits, . - _ / # :), got '${raw.slice(0, 100)}'`,
    );
  }
  return raw;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function sdkKey(env: NodeJS.ProcessEnv): { sdkKey?: ExtensionConfig['sdkKey'] } {
  const accessKeyId = env.PARASOL_SDK_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.PARASOL_SDK_SECRET_ACCESS_KEY;
  if (!accessKeyId && !secretAccessKey) return {};
  if (!accessKeyId || !secretAccessKey) {
    const missing = accessKeyId ? 'PARASOL_SDK_SECRET_ACCESS_KEY' : 'PARASOL_SDK_ACCESS_KEY_ID';
    throw new ConfigError(missing, 'PARASOL_SDK_ACCESS_KEY_ID and PARASOL_SDK_SECRET_ACCESS_KEY must be set together');
  }
  return { sdkKey: { accessKeyId, secretAccessKey } };
}

function staticCredentials(env: NodeJS.ProcessEnv): StaticCredentials | undefined {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
  };
}

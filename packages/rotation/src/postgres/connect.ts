import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { RotationError } from '../errors.js';
import type { StepContext } from '../handler.js';
import { type PostgresSecret, parsePostgresSecret } from './secret.js';

/**
 * Logging in with a secret, as AWS's templates do: by the secret's `ssl` key,
 * TLS with certificate and host-name verification and/or plaintext, 5 s
 * connect timeout. Unlike the templates, the reason of every failed attempt is
 * logged (user, host and error code/message — never the password), because
 * "Unable to log into database" alone hides what went wrong.
 */
export interface ConnectOptions {
  /** TLS settings for the TLS attempt (e.g. `{ ca }` for a private CA). Default: Node's CA store, host name checked. */
  tls?: ConnectionOptions;
  connectTimeoutMs?: number;
  log?: (message: string) => void;
}

type Mode = 'tls' | 'plain';

function modes(ssl: PostgresSecret['ssl']): Mode[] {
  const value = typeof ssl === 'string' ? ssl.trim().toLowerCase() : ssl;
  if (value === true || value === 'true') return ['tls'];
  if (value === false || value === 'false') return ['plain'];
  return ['tls', 'plain'];
}

/** A connected client, or undefined when every attempt failed. */
export async function login(secret: PostgresSecret, options: ConnectOptions = {}): Promise<pg.Client | undefined> {
  for (const mode of modes(secret.ssl)) {
    const client = new pg.Client({
      host: secret.host,
      port: secret.port,
      user: secret.username,
      password: secret.password,
      database: secret.dbname,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      ssl: mode === 'tls' ? { rejectUnauthorized: true, ...options.tls } : false,
    });
    client.on('error', () => {}); // a dropped connection must not crash the function
    try {
      await client.connect();
      return client;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      options.log?.(
        `login as ${secret.username} on ${secret.host}:${secret.port} (${mode}) failed: ${err.code ?? ''} ${err.message ?? ''}`.trim(),
      );
      await client.end().catch(() => {});
    }
  }
  return undefined;
}

export async function loginOrThrow(secret: PostgresSecret, options: ConnectOptions, failure: () => Error): Promise<pg.Client> {
  const client = await login(secret, options);
  if (!client) throw failure();
  return client;
}

/**
 * testSecret of both strategies: the AWSPENDING secret must log in and run a
 * query, or the rotation stops here with AWS's message.
 */
export async function testPendingLogin(ctx: StepContext, options: Omit<ConnectOptions, 'log'>): Promise<void> {
  const pending = parsePostgresSecret(await ctx.pending(), 'AWSPENDING');
  const conn = await login(pending, { ...options, log: ctx.log });
  if (!conn) throw new RotationError('LoginFailed', `Unable to log into database with pending secret of secret ARN ${ctx.secretId}.`);
  try {
    await conn.query('SELECT now()');
  } finally {
    await conn.end();
  }
  ctx.log(`${pending.username} logs in with the pending secret`);
}

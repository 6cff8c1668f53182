import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { RotationError } from '../errors.js';
import { createRotationHandler, type RotationSteps, type StepContext } from '../handler.js';
import { type ConnectOptions, login, testPendingLogin } from './connect.js';
import { alternateUsername, MAX_IDENTIFIER_BYTES, type PostgresSecret, parsePostgresSecret } from './secret.js';
import type { PostgresRotatorOptions } from './single-user.js';
import { passwordLiteral, quoteIdent } from './sql.js';

/**
 * AWS's alternating-users strategy for PostgreSQL: each rotation changes the
 * user that is NOT current — `app` and `app_clone` take turns — so the
 * credentials clients hold stay valid until the rotation after next. A
 * superuser secret (`masterarn`) creates the clone on the first rotation
 * (`CREATE ROLE … WITH LOGIN PASSWORD …` + `GRANT app TO app_clone`, in one
 * transaction) and sets its password afterwards (`ALTER USER … WITH PASSWORD`).
 *
 * Like AWS's template, the clone is a member of the original role and inherits
 * its privileges; objects the clone creates belong to the clone (see README).
 */
export function postgresAlternatingUsersSteps(options: Omit<ConnectOptions, 'log'> = {}): RotationSteps {
  const connect = (ctx: StepContext) => ({ ...options, log: ctx.log });
  return {
    async createSecret(ctx) {
      const current = parsePostgresSecret(await ctx.current(), 'AWSCURRENT');
      const username = alternateUsername(current.username);
      if (Buffer.byteLength(username) > MAX_IDENTIFIER_BYTES) {
        throw new RotationError(
          'InvalidSecret',
          `Username ${current.username} is too long to append _clone: PostgreSQL names are at most ${MAX_IDENTIFIER_BYTES} bytes.`,
        );
      }
      return JSON.stringify({ ...current.raw, username, password: await ctx.newPassword() });
    },

    async setSecret(ctx) {
      const pending = parsePostgresSecret(await ctx.pending(), 'AWSPENDING');
      const already = await login(pending, connect(ctx));
      if (already) {
        await already.end();
        ctx.log(`${pending.username} logs in with the pending password already; nothing to change`);
        return;
      }
      const current = parsePostgresSecret(await ctx.current(), 'AWSCURRENT');
      if (alternateUsername(current.username) !== pending.username || current.host !== pending.host) {
        throw new RotationError('SecretMismatch', `The pending secret is not the alternate user of the current secret of ${ctx.secretId}.`);
      }
      // Confused-deputy guard: the caller must hold working current credentials.
      const currentConn = await login(current, connect(ctx));
      if (!currentConn)
        throw new RotationError('LoginFailed', `Unable to log into database using current credentials for secret ${ctx.secretId}.`);
      await currentConn.end();

      const master = await masterSecret(ctx, current);
      const conn = await login(master, connect(ctx));
      if (!conn)
        throw new RotationError('LoginFailed', `Unable to log into database using credentials in master secret ${current.masterarn}.`);
      try {
        const pendingIdent = await quoteIdent(conn, pending.username);
        const currentIdent = await quoteIdent(conn, current.username);
        const password = passwordLiteral(conn, pending.password);
        await conn.query('BEGIN');
        try {
          const exists = await conn.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [pending.username]);
          if (exists.rowCount === 0) {
            await conn.query(`CREATE ROLE ${pendingIdent} WITH LOGIN PASSWORD ${password}`);
            await conn.query(`GRANT ${currentIdent} TO ${pendingIdent}`);
            ctx.log(`created ${pending.username} as a member of ${current.username}`);
          } else {
            await conn.query(`ALTER USER ${pendingIdent} WITH PASSWORD ${password}`);
            ctx.log(`set the new password of ${pending.username}`);
          }
          await conn.query('COMMIT');
        } catch (e) {
          await conn.query('ROLLBACK').catch(() => {});
          throw e;
        }
      } finally {
        await conn.end();
      }
    },

    testSecret: (ctx) => testPendingLogin(ctx, options),
  };
}

/**
 * The superuser secret named by `masterarn` (its AWSCURRENT). It must be on the
 * same host as the user's secret. An RDS-managed master secret holds only
 * `{username, password}`; locally its engine, host and port are taken from the
 * user's secret (AWS looks them up through the RDS API instead).
 */
async function masterSecret(ctx: StepContext, current: PostgresSecret): Promise<PostgresSecret> {
  if (!current.masterarn) throw new RotationError('InvalidSecret', 'masterarn key is missing from the AWSCURRENT secret JSON.');
  const out = await ctx.client.send(new GetSecretValueCommand({ SecretId: current.masterarn }));
  if (out.SecretString === undefined) throw new RotationError('InvalidSecret', 'The master secret has no SecretString.');
  let text = out.SecretString;
  try {
    const dict = JSON.parse(text) as Record<string, unknown>;
    const keys = Object.keys(dict).sort().join(',');
    if (keys === 'password,username') text = JSON.stringify({ engine: current.engine, host: current.host, port: current.port, ...dict });
  } catch {
    // parsePostgresSecret reports it.
  }
  const master = parsePostgresSecret(text, 'master');
  if (master.host !== current.host) {
    throw new RotationError(
      'SecretMismatch',
      `The master secret's host ${master.host} is not the host of the current secret (${current.host}).`,
    );
  }
  // The master logs in to the user's database.
  return { ...master, dbname: current.dbname };
}

/** A ready Lambda handler: `export const handler = postgresAlternatingUsersRotation();` */
export function postgresAlternatingUsersRotation(options: PostgresRotatorOptions = {}) {
  const { tls, connectTimeoutMs, ...handlerOptions } = options;
  return createRotationHandler(postgresAlternatingUsersSteps({ tls, connectTimeoutMs }), handlerOptions);
}

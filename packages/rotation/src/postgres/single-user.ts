import type pg from 'pg';
import { RotationError } from '../errors.js';
import { createRotationHandler, type RotationHandlerOptions, type RotationSteps, type StepContext } from '../handler.js';
import { type ConnectOptions, login, testPendingLogin } from './connect.js';
import { parsePostgresSecret } from './secret.js';
import { passwordLiteral, quoteIdent } from './sql.js';

/**
 * AWS's single-user strategy for PostgreSQL: the user in the secret changes
 * its own password (`ALTER USER … WITH PASSWORD`). Simple, but between
 * setSecret and finishSecret new logins with the fetched AWSCURRENT fail;
 * clients should retry (or use alternating users).
 */
export interface PostgresRotatorOptions extends RotationHandlerOptions, Omit<ConnectOptions, 'log'> {}

export function postgresSingleUserSteps(options: Omit<ConnectOptions, 'log'> = {}): RotationSteps {
  const connect = (ctx: StepContext) => ({ ...options, log: ctx.log });
  return {
    async createSecret(ctx) {
      const current = parsePostgresSecret(await ctx.current(), 'AWSCURRENT');
      return JSON.stringify({ ...current.raw, password: await ctx.newPassword() });
    },

    async setSecret(ctx) {
      const pending = parsePostgresSecret(await ctx.pending(), 'AWSPENDING');
      const already = await login(pending, connect(ctx));
      if (already) {
        await already.end();
        ctx.log('the pending password works already; nothing to change');
        return;
      }
      const current = parsePostgresSecret(await ctx.current(), 'AWSCURRENT');
      if (pending.username !== current.username || pending.host !== current.host) {
        throw new RotationError(
          'SecretMismatch',
          `The pending secret's username or host does not match the current secret of ${ctx.secretId}.`,
        );
      }
      let conn: pg.Client | undefined = await login(current, connect(ctx));
      if (!conn) {
        // The database may still have the previous password (AWSCURRENT edited by hand): try it.
        const previousText = await ctx.previous().catch(() => undefined);
        if (previousText !== undefined) {
          let previous: ReturnType<typeof parsePostgresSecret> | undefined;
          try {
            previous = parsePostgresSecret(previousText, 'AWSPREVIOUS');
          } catch {
            previous = undefined;
          }
          if (previous) {
            if (previous.username !== pending.username || previous.host !== pending.host) {
              throw new RotationError(
                'SecretMismatch',
                `The previous secret's username or host does not match the pending secret of ${ctx.secretId}.`,
              );
            }
            conn = await login({ ...previous, ssl: current.ssl }, connect(ctx));
          }
        }
      }
      if (!conn) {
        throw new RotationError(
          'LoginFailed',
          `Unable to log into database with previous, current, or pending secret of secret arn ${ctx.secretId}.`,
        );
      }
      try {
        const user = await quoteIdent(conn, pending.username);
        await conn.query(`ALTER USER ${user} WITH PASSWORD ${passwordLiteral(conn, pending.password)}`);
        ctx.log(`set the new password of ${pending.username}`);
      } finally {
        await conn.end();
      }
    },

    testSecret: (ctx) => testPendingLogin(ctx, options),
  };
}

/** A ready Lambda handler: `export const handler = postgresSingleUserRotation();` */
export function postgresSingleUserRotation(options: PostgresRotatorOptions = {}) {
  const { tls, connectTimeoutMs, ...handlerOptions } = options;
  return createRotationHandler(postgresSingleUserSteps({ tls, connectTimeoutMs }), handlerOptions);
}

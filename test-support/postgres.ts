/**
 * Test support: a real PostgreSQL server for the rotation tests.
 *
 * `startPostgres()` runs `scripts/postgres.sh start` (idempotent; a throwaway cluster on
 * 127.0.0.1 with scram-sha-256 password auth) and returns its connection info. It never
 * skips: if PostgreSQL cannot start, it throws with the script's reason and the test fails.
 * The cluster is shared by every test file of a run, so each test uses its own role names
 * (`uniqueName()`).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { REPO_ROOT } from './processes.js';

const execFileAsync = promisify(execFile);

export interface PostgresServer {
  host: string;
  port: number;
  /** The cluster's superuser (`postgres`) and its password. */
  user: string;
  password: string;
  database: string;
}

let started: Promise<PostgresServer> | undefined;

export function startPostgres(): Promise<PostgresServer> {
  started ??= (async () => {
    const script = join(REPO_ROOT, 'scripts/postgres.sh');
    let stdout: string;
    try {
      ({ stdout } = await execFileAsync('bash', [script, 'start'], { timeout: 90_000 }));
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`PostgreSQL could not be started by scripts/postgres.sh: ${err.stderr?.trim() || err.message}`);
    }
    const info = Object.fromEntries(
      stdout
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    if (!info.PGPORT || !info.PGPASSWORD) throw new Error(`scripts/postgres.sh start printed no connection info:\n${stdout}`);
    return {
      host: info.PGHOST ?? '127.0.0.1',
      port: Number(info.PGPORT),
      user: info.PGUSER ?? 'postgres',
      password: info.PGPASSWORD,
      database: info.PGDATABASE ?? 'postgres',
    };
  })();
  return started;
}

/** A superuser connection to the test cluster; the caller ends it. */
export async function superuserClient(server?: PostgresServer): Promise<pg.Client> {
  const s = server ?? (await startPostgres());
  const client = new pg.Client({ host: s.host, port: s.port, user: s.user, password: s.password, database: s.database });
  await client.connect();
  return client;
}

/** Tries to log in; resolves true on success, false on an authentication failure (28P01), throws otherwise. */
export async function canLogin(server: PostgresServer, user: string, password: string, database = server.database): Promise<boolean> {
  const client = new pg.Client({ host: server.host, port: server.port, user, password, database, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === '28P01') return false;
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A role/user name no other test uses, e.g. `app_k3j9x2`. */
export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;

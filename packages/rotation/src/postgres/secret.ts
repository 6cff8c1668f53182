import { RotationError } from '../errors.js';

/**
 * The secret JSON that AWS uses for RDS/Aurora PostgreSQL credentials:
 * `{engine, host, port, username, password, dbname}` (+ `masterarn` for
 * alternating users, optional `ssl`). Every read is validated the way AWS's
 * templates validate it; unknown keys are kept and carried into new versions.
 */
export interface PostgresSecret {
  engine: 'postgres' | 'aurora-postgresql';
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
  /** true/"true": TLS only; false/"false": plaintext only; absent: TLS, then plaintext. */
  ssl?: boolean | string;
  masterarn?: string;
  /** The parsed JSON as stored, extra keys included. */
  raw: Record<string, unknown>;
}

const ENGINES = ['postgres', 'aurora-postgresql'];
const REQUIRED = ['engine', 'host', 'username', 'password'] as const;
/** PostgreSQL truncates identifiers beyond NAMEDATALEN-1 = 63 bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

/** Parses and validates one version's SecretString; `which` names it in errors (never the value). */
export function parsePostgresSecret(text: string, which: string): PostgresSecret {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RotationError('InvalidSecret', `The ${which} secret is not valid JSON.`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RotationError('InvalidSecret', `The ${which} secret is not a JSON object.`);
  }
  const dict = raw as Record<string, unknown>;
  for (const key of REQUIRED) {
    if (dict[key] === undefined || dict[key] === null)
      throw new RotationError('InvalidSecret', `${key} key is missing from the ${which} secret JSON.`);
  }
  if (!ENGINES.includes(String(dict.engine))) {
    throw new RotationError('InvalidSecret', "Database engine must be set to 'postgres' in order to use this rotation function.");
  }
  for (const key of ['host', 'username', 'password'] as const) {
    if (typeof dict[key] !== 'string' || dict[key] === '')
      throw new RotationError('InvalidSecret', `${key} in the ${which} secret must be a non-empty string.`);
  }
  const port = dict.port === undefined || dict.port === null ? 5432 : Number.parseInt(String(dict.port), 10);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new RotationError('InvalidSecret', `port in the ${which} secret is not a valid port.`);
  const dbname = dict.dbname === undefined || dict.dbname === null ? 'postgres' : String(dict.dbname);
  return {
    engine: dict.engine as PostgresSecret['engine'],
    host: dict.host as string,
    port,
    username: dict.username as string,
    password: dict.password as string,
    dbname,
    ssl: typeof dict.ssl === 'boolean' || typeof dict.ssl === 'string' ? dict.ssl : undefined,
    masterarn: typeof dict.masterarn === 'string' ? dict.masterarn : undefined,
    raw: dict,
  };
}

/** Alternating users: `app` ↔ `app_clone` (a name ending in `_clone` alternates with the stripped name). */
export function alternateUsername(username: string): string {
  return username.endsWith('_clone') ? username.slice(0, -'_clone'.length) : `${username}_clone`;
}

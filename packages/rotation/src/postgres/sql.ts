import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type pg from 'pg';

/**
 * SQL text for password changes. Identifiers go through the server's
 * `quote_ident()`, as AWS's templates do. The password is never sent in
 * clear text: it is turned into a SCRAM-SHA-256 verifier here and sent as
 * `PASSWORD 'SCRAM-SHA-256$…'` (PostgreSQL stores a pre-hashed password as
 * is), so `log_statement = ddl` cannot write it to the server log. Passwords
 * with non-ASCII characters (which PostgreSQL would SASLprep) fall back to a
 * literal escaped with libpq's rules.
 */
const SCRAM_ITERATIONS = 4096;

export function scramVerifier(password: string, salt = randomBytes(16), iterations = SCRAM_ITERATIONS): string | undefined {
  if (!/^[\x20-\x7e]*$/.test(password)) return undefined;
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The `'…'` literal to put after PASSWORD. */
export function passwordLiteral(client: pg.Client, password: string): string {
  return client.escapeLiteral(scramVerifier(password) ?? password);
}

export async function quoteIdent(client: pg.Client, name: string): Promise<string> {
  const { rows } = await client.query<{ ident: string }>('SELECT quote_ident($1) AS ident', [name]);
  return rows[0].ident;
}

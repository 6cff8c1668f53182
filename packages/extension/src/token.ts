/**
 * The shared-secret header callers must send. Its expected value is the first
 * non-empty of AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN
 * (the last one is what SnapStart provides); a `file://PATH` value is read from
 * that file. The token itself is never logged.
 */
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

export const TOKEN_HEADER = 'x-aws-parameters-secrets-token';
export const TOKEN_VARIABLES = ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'] as const;

/** Returns the expected token and the variable it came from, or throws a ConfigError saying why there is none. */
export function resolveToken(env: NodeJS.ProcessEnv): { token: string; source: string } {
  for (const name of TOKEN_VARIABLES) {
    const raw = env[name];
    if (!raw) continue;
    if (!raw.startsWith('file://')) return { token: raw, source: name };
    const path = raw.slice('file://'.length);
    let content: string;
    try {
      content = readFileSync(path, 'utf8').trim();
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(name, `${name} points to file ${path}, which cannot be read (${reason})`);
    }
    if (!content) throw new ConfigError(name, `${name} points to file ${path}, which is empty`);
    return { token: content, source: `${name} (file)` };
  }
  throw new ConfigError(
    'AWS_TOKEN',
    `no token configured: set one of ${TOKEN_VARIABLES.join(', ')} (a value or file://PATH); callers must send it in X-Aws-Parameters-Secrets-Token`,
  );
}

/**
 * Constant-time comparison. Both sides are hashed first so that neither the
 * content nor the length of the expected token leaks through timing.
 */
export function createTokenMatcher(expected: string): (given: string) => boolean {
  const expectedDigest = sha256(expected);
  return (given) => crypto.timingSafeEqual(sha256(given), expectedDigest);
}

/**
 * One-shot SHA-256 (`crypto.hash`, Node ≥ 20.12) where it exists: no Hash
 * object per request on the hot path; `createHash` on older Node 20.
 */
const sha256: (data: string) => Buffer =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (data) => (crypto as unknown as { hash(alg: string, data: string, enc: 'buffer'): Buffer }).hash('sha256', data, 'buffer')
    : (data) => crypto.createHash('sha256').update(data).digest();

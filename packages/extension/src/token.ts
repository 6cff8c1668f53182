/**
 * The shared-secret header callers must send. Its expected value is the first
 * non-empty of AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN
 * (the last one is what SnapStart provides); a `file://PATH` value is read from
 * that file. The token itself is never logged.
 */
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
  const crypto = lazyCrypto();
  let check: ((given: string) => boolean) | undefined;
  return (given) => {
    if (!check) {
      const c = crypto();
      // One-shot SHA-256 (`crypto.hash`, Node ≥ 20.12) where it exists: no Hash object per request.
      const oneShot = (c as { hash?: (alg: string, data: string, enc: 'buffer') => Buffer }).hash;
      const sha256 = oneShot
        ? (data: string) => oneShot('sha256', data, 'buffer')
        : (data: string) => c.createHash('sha256').update(data).digest();
      const expectedDigest = sha256(expected);
      check = (g) => c.timingSafeEqual(sha256(g), expectedDigest);
    }
    return check(given);
  };
}

type BuiltinLoader = (id: string) => unknown;

/**
 * node:crypto (eighteen internal modules) is loaded on the first token check,
 * not at start-up: /ping never needs it. `process.getBuiltinModule` (Node ≥
 * 20.16) loads it synchronously then; on older Node it is imported now, in the
 * background, which resolves long before a request can arrive.
 */
function lazyCrypto(): () => typeof import('node:crypto') {
  const getBuiltin = (process as { getBuiltinModule?: BuiltinLoader }).getBuiltinModule;
  let loaded: typeof import('node:crypto') | undefined;
  if (!getBuiltin) void import('node:crypto').then((m) => (loaded = m));
  return () => {
    loaded ??= getBuiltin?.('node:crypto') as typeof import('node:crypto') | undefined;
    if (!loaded) throw new Error('node:crypto is still loading');
    return loaded;
  };
}

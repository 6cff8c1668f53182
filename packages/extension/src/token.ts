/**
 * The shared-secret header callers must send. Its expected value is the first
 * non-empty of AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN
 * (the last one is what SnapStart provides); a `file://PATH` value is read from
 * that file, and re-read on SIGHUP and whenever the file changes. The token
 * itself is never logged.
 */
import { readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ConfigError } from './errors.js';

export const TOKEN_HEADER = 'x-aws-parameters-secrets-token';
export const TOKEN_VARIABLES = ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'] as const;

/** Returns the expected token, the variable it came from and (for `file://`) its file, or throws a ConfigError saying why there is none. */
export function resolveToken(env: NodeJS.ProcessEnv): { token: string; source: string; file?: string } {
  for (const name of TOKEN_VARIABLES) {
    const raw = env[name];
    if (!raw) continue;
    if (!raw.startsWith('file://')) return { token: raw, source: name };
    const path = raw.slice('file://'.length);
    return { token: readTokenFile(path, name), source: `${name} (file)`, file: path };
  }
  throw new ConfigError(
    'AWS_TOKEN',
    `no token configured: set one of ${TOKEN_VARIABLES.join(', ')} (a value or file://PATH); callers must send it in X-Aws-Parameters-Secrets-Token`,
  );
}

/** The token in `path` (trimmed); a ConfigError naming `variable` when the file cannot be read or is empty. */
export function readTokenFile(path: string, variable: string): string {
  let content: string;
  try {
    content = readFileSync(path, 'utf8').trim();
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(variable, `${variable} points to file ${path}, which cannot be read (${reason})`);
  }
  if (!content) throw new ConfigError(variable, `${variable} points to file ${path}, which is empty`);
  return content;
}

/**
 * Calls `changed` (at most once per 50 ms burst) when the file at `path` is
 * written, replaced or renamed into place. The directory is watched, not the
 * file: a file replaced by rename (what editors and secret agents do) keeps
 * being followed. Returns a function that stops watching.
 */
export function watchTokenFile(path: string, changed: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
    if (name !== null && name !== basename(path)) return;
    clearTimeout(timer);
    timer = setTimeout(changed, 50);
    timer.unref();
  });
  watcher.on('error', () => {}); // the directory went away: SIGHUP still re-reads
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
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

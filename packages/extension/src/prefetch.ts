/**
 * Warm the cache before the function's code asks: PARASOL_PREFETCH_SECRETS
 * (secret ids) and PARASOL_PREFETCH_PARAMETERS (names, or paths ending in `/`
 * fetched recursively). Bounded: start-up waits at most `boundMs`; anything
 * slower finishes in the background. Failures are logged (by name and error
 * code) and never stop start-up.
 */
import type { ResponseCache } from './cache.js';
import type { ExtensionConfig } from './config.js';
import { ExtensionError } from './errors.js';
import type { Logger } from './log.js';
import { type Lookup, parameterKey } from './lookup.js';
import { type ParameterOutput, parameterBody } from './responses.js';
import type { Upstream } from './upstream/index.js';

export interface PrefetchDeps {
  config: ExtensionConfig;
  lookup: Lookup;
  cache: ResponseCache;
  upstream: Upstream;
  log: Logger;
}

/** Resolves when everything is fetched or `boundMs` has passed, whichever is first. */
export async function prefetch(deps: PrefetchDeps, boundMs = 1000): Promise<void> {
  const { config, log } = deps;
  const total = config.prefetchSecrets.length + config.prefetchParameters.length;
  if (total === 0) return;
  const started = performance.now();
  let loaded = 0;
  const jobs = [
    ...config.prefetchSecrets.map((secretId) =>
      deps.lookup.secret({ kind: 'secret', secretId, refreshNow: false }).then(
        () => loaded++,
        (e) => log.warn('prefetch failed', { secret: secretId, error: code(e) }),
      ),
    ),
    ...config.prefetchParameters.map((name) =>
      (name.endsWith('/') ? prefetchPath(deps, name) : prefetchParameter(deps, name)).then(
        () => loaded++,
        (e) => log.warn('prefetch failed', { parameter: name, error: code(e) }),
      ),
    ),
  ];
  let timer: NodeJS.Timeout | undefined;
  const all = Promise.all(jobs).then(() => 'done' as const);
  const bound = new Promise<'bound'>((resolve) => {
    timer = setTimeout(() => resolve('bound'), boundMs);
  });
  const outcome = await Promise.race([all, bound]);
  clearTimeout(timer);
  const ms = (performance.now() - started).toFixed(0);
  if (outcome === 'done') log.info(`prefetch: ${loaded} of ${total} loaded in ${ms} ms`);
  else log.info(`prefetch: ${loaded} of ${total} loaded within ${ms} ms; the rest continues in the background`);
}

async function prefetchParameter(deps: PrefetchDeps, name: string): Promise<void> {
  const out = await deps.upstream.getParameter({ Name: name, WithDecryption: true });
  if (out.Parameter) store(deps, name, out.Parameter);
}

async function prefetchPath(deps: PrefetchDeps, path: string): Promise<void> {
  const root = path.length > 1 ? path.slice(0, -1) : path;
  let NextToken: string | undefined;
  do {
    const page = await deps.upstream.getParametersByPath({ Path: root, Recursive: true, WithDecryption: true, NextToken });
    for (const p of page.Parameters ?? []) if (p.Name) store(deps, p.Name, p);
    NextToken = page.NextToken;
  } while (NextToken);
}

/** Decrypted values answer `withDecryption=true`; values that are not encrypted answer both forms. */
function store(deps: PrefetchDeps, name: string, p: ParameterOutput): void {
  const ttl = deps.lookup.parameterTtlMs;
  const body = parameterBody(p);
  deps.cache.put(parameterKey({ name, withDecryption: true }), body, ttl);
  if (p.Type !== 'SecureString') deps.cache.put(parameterKey({ name, withDecryption: false }), body, ttl);
}

function code(e: unknown): string {
  return e instanceof ExtensionError ? e.code : 'unexpected error';
}

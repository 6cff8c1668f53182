/**
 * Warm the cache before the function's code asks: PARASOL_PREFETCH_SECRETS
 * (secret ids or ECS-style references, by BatchGetSecretValue in batches of 20),
 * PARASOL_PREFETCH_SECRET_TAGS (tag keys, by BatchGetSecretValue filters) and
 * PARASOL_PREFETCH_PARAMETERS (names by GetParameters in batches of 10, or
 * paths ending in `/` fetched recursively). Bounded: start-up waits at most `boundMs`; anything
 * slower finishes in the background. Failures are logged (by name and error
 * code) and never stop start-up.
 */
import type { BatchReader } from './batch.js';
import type { ResponseCache } from './cache.js';
import type { ExtensionConfig } from './config.js';
import { ExtensionError } from './errors.js';
import type { Logger } from './log.js';
import { type Lookup, parameterKey, secretKey } from './lookup.js';
import { MAX_BATCH_PARAMETERS, MAX_BATCH_SECRETS } from './parse.js';
import { type ParameterOutput, parameterBody, secretBody } from './responses.js';
import { hasReferenceFields, parseSecretReference, type SecretReference } from './secret-reference.js';
import type { Upstream } from './upstream/index.js';

export interface PrefetchDeps {
  config: ExtensionConfig;
  lookup: Lookup;
  batch: BatchReader;
  cache: ResponseCache;
  upstream: Upstream;
  log: Logger;
}

/** Resolves when everything is fetched or `boundMs` has passed, whichever is first. */
export async function prefetch(deps: PrefetchDeps, boundMs = 1000): Promise<void> {
  const { config, log } = deps;
  const total = config.prefetchSecrets.length + config.prefetchSecretTags.length + config.prefetchParameters.length;
  if (total === 0) return;
  const started = performance.now();
  let loaded = 0;
  const counted = (job: Promise<number>, what: Record<string, string>) =>
    job.then(
      (n) => {
        loaded += n;
      },
      (e) => log.warn('prefetch failed', { ...what, error: code(e) }),
    );

  // Secrets named plainly go in batches of 20; a reference with a version selector is fetched alone
  // (BatchGetSecretValue reads AWSCURRENT only).
  const plain: string[] = [];
  const jobs: Promise<void>[] = [];
  for (const id of config.prefetchSecrets) {
    let ref: SecretReference;
    try {
      ref = hasReferenceFields(id) ? parseSecretReference(id) : { secretId: id };
    } catch (e) {
      log.warn('prefetch skipped', { secret: id, error: code(e) });
      continue;
    }
    if (ref.versionId === undefined && ref.versionStage === undefined) {
      if (!plain.includes(ref.secretId)) plain.push(ref.secretId);
      continue;
    }
    const request = {
      kind: 'secret' as const,
      secretId: ref.secretId,
      versionId: ref.versionId,
      versionStage: ref.versionStage,
      refreshNow: false,
    };
    jobs.push(
      counted(
        deps.lookup.secret(request).then(() => 1),
        { secret: id },
      ),
    );
  }
  for (const chunk of chunks(plain, MAX_BATCH_SECRETS)) {
    jobs.push(
      deps.batch.secrets(chunk).then((items) => {
        for (const item of items) {
          if (item.result) loaded++;
          else log.warn('prefetch failed', { secret: item.id, error: code(item.error) });
        }
      }),
    );
  }
  for (const tag of config.prefetchSecretTags) jobs.push(counted(prefetchTag(deps, tag), { tag }));

  const names = config.prefetchParameters.filter((n) => !n.endsWith('/'));
  for (const chunk of chunks(names, MAX_BATCH_PARAMETERS)) {
    jobs.push(
      deps.upstream.getParameters({ Names: chunk, WithDecryption: true }).then(
        (out) => {
          for (const p of out.Parameters ?? []) if (p.Name) store(deps, p.Name, p);
          loaded += out.Parameters?.length ?? 0;
          for (const name of out.InvalidParameters ?? []) log.warn('prefetch failed', { parameter: name, error: 'ParameterNotFound' });
        },
        (e) => log.warn('prefetch failed', { parameters: chunk.join(','), error: code(e) }),
      ),
    );
  }
  for (const path of config.prefetchParameters.filter((n) => n.endsWith('/'))) {
    jobs.push(
      counted(
        prefetchPath(deps, path).then(() => 1),
        { parameter: path },
      ),
    );
  }

  let timer: NodeJS.Timeout | undefined;
  const all = Promise.all(jobs).then(() => 'done' as const);
  const bound = new Promise<'bound'>((resolve) => {
    timer = setTimeout(() => resolve('bound'), boundMs);
  });
  const outcome = await Promise.race([all, bound]);
  clearTimeout(timer);
  const ms = (performance.now() - started).toFixed(0);
  if (outcome === 'done') log.info(`prefetch: ${loaded} of ${total} loaded in ${ms} ms`);
  else {
    log.info(`prefetch: ${loaded} of ${total} loaded within ${ms} ms; the rest continues in the background`);
    void all.then(() =>
      log.info(`prefetch: ${loaded} of ${total} loaded in ${(performance.now() - started).toFixed(0)} ms (finished in the background)`),
    );
  }
}

/**
 * Every secret carrying a tag key that starts with `tag` (BatchGetSecretValue's
 * `tag-key` filter is a prefix match), page by page; each cached under its name
 * and its ARN as a single GET would cache it. Counts as one item however many match.
 */
async function prefetchTag(deps: PrefetchDeps, tag: string): Promise<number> {
  let NextToken: string | undefined;
  do {
    const page = await deps.upstream.batchGetSecretValue({ Filters: [{ Key: 'tag-key', Values: [tag] }], MaxResults: 20, NextToken });
    for (const value of page.SecretValues ?? []) {
      const body = secretBody(value);
      for (const id of [value.Name, value.ARN]) if (id) deps.cache.put(secretKey({ secretId: id }), body, deps.lookup.secretTtlMs);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return 1;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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

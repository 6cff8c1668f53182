/**
 * A secret or parameter request → its cache key, its service's TTL and the
 * upstream call that produces its 200 body. The key holds every selector and
 * withDecryption, so two requests share an entry only if AWS would answer
 * them identically.
 */
import type { CacheResult, ResponseCache } from './cache.js';
import type { ExtensionConfig } from './config.js';
import { selectParameterKey, selectSecretKey } from './json-key.js';
import type { Metrics } from './metrics.js';
import { NegativeCache } from './negative.js';
import type { Route } from './parse.js';
import { parameterBody } from './responses.js';
import { SecretFetcher } from './revalidate.js';
import type { Upstream } from './upstream/index.js';

export type SecretRequest = Extract<Route, { kind: 'secret' }>;
export type ParameterRequest = Extract<Route, { kind: 'parameter' }>;

const SEP = '\u0000';

export function secretKey(r: { secretId: string; versionId?: string; versionStage?: string }): string {
  return `sm${SEP}${r.secretId}${SEP}${r.versionId ?? ''}${SEP}${r.versionStage ?? ''}`;
}

export function parameterKey(r: { name: string; version?: string; label?: string; withDecryption: boolean }): string {
  return `ssm${SEP}${r.name}${SEP}${r.version ?? ''}${SEP}${r.label ?? ''}${SEP}${r.withDecryption ? 1 : 0}`;
}

/** The body narrowed to the request's jsonKey (the cache holds whole values; see json-key.ts). */
function project(r: SecretRequest | ParameterRequest, body: Buffer): Buffer {
  const key = r.jsonKey as string;
  return r.kind === 'secret' ? selectSecretKey(body, key) : selectParameterKey(body, key);
}

export class Lookup {
  readonly secretTtlMs: number;
  readonly parameterTtlMs: number;

  private readonly secrets: SecretFetcher;
  private readonly negative: NegativeCache;

  constructor(
    config: ExtensionConfig,
    private readonly cache: ResponseCache,
    private readonly upstream: Upstream,
    metrics: Metrics,
  ) {
    // CACHE_ENABLED=false or size 0 turns caching off for both services; a TTL of 0 for one.
    const enabled = config.cacheEnabled && config.cacheSize > 0;
    this.secretTtlMs = enabled ? config.secretsManagerTtlSeconds * 1000 : 0;
    this.parameterTtlMs = enabled ? config.ssmTtlSeconds * 1000 : 0;
    this.secrets = new SecretFetcher(upstream, cache, metrics, this.secretTtlMs);
    this.negative = new NegativeCache(config.negativeTtlSeconds * 1000, Math.max(config.cacheSize, 1));
  }

  /** The cache key of a request (the server computes it once per distinct URL). */
  keyOf(r: SecretRequest | ParameterRequest): string {
    return r.kind === 'secret' ? secretKey(r) : parameterKey(r);
  }

  /**
   * A cached, fresh answer without any asynchronous work, or undefined (then call `secret`/`parameter`).
   * `key` is `keyOf(r)`, when the caller already has it.
   */
  peek(r: SecretRequest | ParameterRequest, key = this.keyOf(r)): Buffer | undefined {
    if (r.refreshNow) return undefined;
    const body = this.cache.peek(key);
    if (body === undefined || r.jsonKey === undefined) return body;
    try {
      return project(r, body);
    } catch {
      return undefined; // the asynchronous path answers the same error
    }
  }

  async secret(r: SecretRequest): Promise<CacheResult> {
    const result = await this.secretBody(r);
    return r.jsonKey === undefined ? result : { value: project(r, result.value), status: result.status };
  }

  async parameter(r: ParameterRequest): Promise<CacheResult> {
    const result = await this.parameterBody(r);
    return r.jsonKey === undefined ? result : { value: project(r, result.value), status: result.status };
  }

  private secretBody(r: SecretRequest): Promise<CacheResult> {
    const key = secretKey(r);
    return this.throughNegative(key, r.refreshNow, () => this.cache.get(key, this.secretTtlMs, this.secrets.fetch(r, key), r.refreshNow));
  }

  /** Answers a remembered not-found without a call; remembers a new one (see negative.ts). */
  private async throughNegative(key: string, refreshNow: boolean, get: () => Promise<CacheResult>): Promise<CacheResult> {
    if (refreshNow) this.negative.forget(key);
    const known = this.negative.get(key);
    if (known) throw known;
    return get().catch((e: unknown) => this.negative.remember(key, e));
  }

  private parameterBody(r: ParameterRequest): Promise<CacheResult> {
    const selector = r.version ?? r.label;
    const name = selector === undefined ? r.name : `${r.name}:${selector}`;
    const key = parameterKey(r);
    return this.throughNegative(key, r.refreshNow, () =>
      this.cache.get(
        key,
        this.parameterTtlMs,
        async () => {
          const out = await this.upstream.getParameter({ Name: name, WithDecryption: r.withDecryption });
          return parameterBody(out.Parameter ?? {});
        },
        r.refreshNow,
      ),
    );
  }
}

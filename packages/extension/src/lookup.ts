/**
 * A secret or parameter request → its cache key, its service's TTL and the
 * upstream call that produces its 200 body. The key holds every selector and
 * withDecryption, so two requests share an entry only if AWS would answer
 * them identically.
 */
import type { CacheResult, ResponseCache } from './cache.js';
import type { ExtensionConfig } from './config.js';
import type { Route } from './parse.js';
import { parameterBody, secretBody } from './responses.js';
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

export class Lookup {
  readonly secretTtlMs: number;
  readonly parameterTtlMs: number;

  constructor(
    config: ExtensionConfig,
    private readonly cache: ResponseCache,
    private readonly upstream: Upstream,
  ) {
    // CACHE_ENABLED=false or size 0 turns caching off for both services; a TTL of 0 for one.
    const enabled = config.cacheEnabled && config.cacheSize > 0;
    this.secretTtlMs = enabled ? config.secretsManagerTtlSeconds * 1000 : 0;
    this.parameterTtlMs = enabled ? config.ssmTtlSeconds * 1000 : 0;
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
    return this.cache.peek(key);
  }

  secret(r: SecretRequest): Promise<CacheResult> {
    return this.cache.get(
      secretKey(r),
      this.secretTtlMs,
      async () =>
        secretBody(
          await this.upstream.getSecretValue({
            SecretId: r.secretId,
            ...(r.versionId !== undefined && { VersionId: r.versionId }),
            ...(r.versionStage !== undefined && { VersionStage: r.versionStage }),
          }),
        ),
      r.refreshNow,
    );
  }

  parameter(r: ParameterRequest): Promise<CacheResult> {
    const selector = r.version ?? r.label;
    const name = selector === undefined ? r.name : `${r.name}:${selector}`;
    return this.cache.get(
      parameterKey(r),
      this.parameterTtlMs,
      async () => {
        const out = await this.upstream.getParameter({ Name: name, WithDecryption: r.withDecryption });
        return parameterBody(out.Parameter ?? {});
      },
      r.refreshNow,
    );
  }
}

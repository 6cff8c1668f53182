import { cacheKey, DEFAULT_CACHE_SIZE, ValueCache } from '../cache.js';
import { resolveMaxAge } from '../env.js';
import { errorCodeOf, GetParameterError, isNotFoundCode, ParameterNotFoundError } from '../errors.js';
import { assertTransform, transformValue } from '../transform.js';
import type {
  GetMaybeUndefined,
  SecretsGetMultipleOptions,
  SecretsGetMultipleOutput,
  SecretsGetOptions,
  SecretsGetOutput,
} from '../types.js';
import { assertName, type CacheOptions } from './options.js';
import type { SecretsTransport } from './transport.js';

/** Secrets Manager reads with caching and transforms; the transport decides how the value is fetched. */
export class SecretsProviderBase {
  protected readonly cache: ValueCache;

  constructor(
    protected readonly transport: SecretsTransport,
    options: CacheOptions = {},
  ) {
    this.cache = new ValueCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  }

  /** Empties this provider's cache. */
  clearCache(): void {
    this.cache.clear();
  }

  /** One secret (GetSecretValue), cached for `maxAge` seconds, transformed once before caching. */
  async get<ExplicitUserProvidedType = undefined, InferredFromOptionsType extends SecretsGetOptions | undefined = SecretsGetOptions>(
    name: string,
    options?: NonNullable<InferredFromOptionsType & SecretsGetOptions>,
  ): Promise<GetMaybeUndefined<SecretsGetOutput<ExplicitUserProvidedType, InferredFromOptionsType>, InferredFromOptionsType>> {
    const opts = (options ?? {}) as NonNullable<SecretsGetOptions>;
    assertName(name, 'secret name');
    assertTransform(opts.transform, true);
    const sdk = (opts.sdkOptions ?? {}) as Record<string, unknown>;
    const versionId = opts.versionId ?? (sdk.VersionId as string | undefined);
    const versionStage = opts.versionStage ?? (sdk.VersionStage as string | undefined);
    const maxAge = resolveMaxAge(opts.maxAge);
    const jsonKey = opts.jsonKey;
    if (jsonKey !== undefined && (typeof jsonKey !== 'string' || jsonKey === '')) throw new TypeError('jsonKey must be a non-empty string');
    // jsonKey joins the key only when given, so `get(name)` still shares its entry with `getMultiple`.
    const key =
      jsonKey === undefined
        ? cacheKey('secret', name, opts.transform, versionId, versionStage)
        : cacheKey('secret', name, opts.transform, versionId, versionStage, jsonKey);
    const forceFetch = opts.forceFetch === true || opts.refreshNow === true;
    if (!forceFetch) {
      const hit = this.cache.lookup(key); // fast path: no load machinery on a hit
      if (hit) return hit.value as never;
    }
    const value = await this.cache.load(key, { maxAge, forceFetch }, async () => {
      let raw: string | Uint8Array | undefined;
      try {
        raw = await this.transport.getSecretValue({
          secretId: name,
          versionId,
          versionStage,
          jsonKey,
          ...(opts.refreshNow === true && { refreshNow: true }),
          sdkOptions: sdk,
        });
      } catch (error) {
        const code = errorCodeOf(error);
        if (opts.throwOnMissing && isNotFoundCode(code)) {
          throw new ParameterNotFoundError(`Secret ${name} not found in the store`, { cause: error, code });
        }
        throw new GetParameterError((error as Error).message, { cause: error });
      }
      if (raw === undefined || raw === null) return undefined;
      return opts.transform ? transformValue(raw, opts.transform, name) : raw;
    });
    if (value === undefined && opts.throwOnMissing) throw new ParameterNotFoundError(`Secret ${name} not found in the store`);
    return value as never;
  }

  /**
   * Several secrets in as few calls as possible (BatchGetSecretValue, 20 per call, in SDK mode). Each
   * secret is cached on its own, under the same key `get` uses, so later single reads hit the cache.
   */
  async getMultiple<
    ExplicitUserProvidedType = undefined,
    InferredFromOptionsType extends SecretsGetMultipleOptions | undefined = SecretsGetMultipleOptions,
  >(
    names: string[],
    options?: NonNullable<InferredFromOptionsType & SecretsGetMultipleOptions>,
  ): Promise<SecretsGetMultipleOutput<ExplicitUserProvidedType, InferredFromOptionsType>> {
    const opts = (options ?? {}) as NonNullable<SecretsGetMultipleOptions>;
    if (!Array.isArray(names)) throw new TypeError('names must be an array of secret names or ARNs');
    for (const name of names) assertName(name, 'secret name');
    assertTransform(opts.transform, true);
    const throwOnError = opts.throwOnError ?? true;
    if (!throwOnError && names.includes('_errors')) {
      throw new GetParameterError('You cannot fetch a secret named _errors in graceful error mode.');
    }
    const maxAge = resolveMaxAge(opts.maxAge);
    const keyOf = (name: string) => cacheKey('secret', name, opts.transform, undefined, undefined);
    const result: Record<string, unknown> = {};
    const errors: string[] = [];
    const toFetch: string[] = [];
    for (const name of new Set(names)) {
      const hit = opts.forceFetch ? undefined : this.cache.lookup(keyOf(name));
      if (hit) result[name] = hit.value;
      else toFetch.push(name);
    }
    if (toFetch.length > 0) {
      let batch: Awaited<ReturnType<SecretsTransport['batchGetSecretValue']>>;
      try {
        batch = await this.transport.batchGetSecretValue(toFetch);
      } catch (error) {
        throw new GetParameterError((error as Error).message, { cause: error });
      }
      if (throwOnError && batch.errors.length > 0) {
        const first = batch.errors[0];
        throw new GetParameterError(`Failed to fetch secrets: ${batch.errors.map((e) => `${e.secretId} (${e.code})`).join(', ')}`, {
          code: first.code,
        });
      }
      errors.push(...batch.errors.map((e) => e.secretId));
      for (const name of toFetch) {
        if (!batch.values.has(name)) continue;
        const raw = batch.values.get(name)!;
        let value: unknown = raw;
        if (opts.transform) {
          try {
            value = transformValue(raw, opts.transform, name);
          } catch (error) {
            if (throwOnError) throw error;
            errors.push(name);
            continue;
          }
        }
        this.cache.store(keyOf(name), value, maxAge);
        result[name] = value;
      }
    }
    if (!throwOnError) result._errors = errors;
    return result as never;
  }
}

import { cacheKey, DEFAULT_CACHE_SIZE, ValueCache } from '../cache.js';
import { resolveDecrypt, resolveMaxAge } from '../env.js';
import { errorCodeOf, GetParameterError, isNotFoundCode, ParameterNotFoundError, SetParameterError } from '../errors.js';
import { assertTransform, transformValue } from '../transform.js';
import type {
  GetMaybeUndefined,
  SSMGetMultipleOptions,
  SSMGetMultipleOutput,
  SSMGetOptions,
  SSMGetOutput,
  SSMGetParametersByNameOptions,
  SSMGetParametersByNameOutput,
  SSMSetOptions,
} from '../types.js';
import { assertName, type CacheOptions } from './options.js';
import type { SsmTransport } from './transport.js';

/** GetParameters accepts at most 10 names per call. */
const MAX_GET_PARAMETERS_ITEMS = 10;
const ERRORS_KEY = '_errors';

/** Parameter Store reads and writes with caching and transforms; the transport decides how. */
export class SSMProviderBase {
  protected readonly cache: ValueCache;

  constructor(
    protected readonly transport: SsmTransport,
    options: CacheOptions = {},
  ) {
    this.cache = new ValueCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** One parameter (GetParameter), cached for `maxAge` seconds. */
  async get<ExplicitUserProvidedType = undefined, InferredFromOptionsType extends SSMGetOptions | undefined = SSMGetOptions>(
    name: string,
    options?: NonNullable<InferredFromOptionsType & SSMGetOptions>,
  ): Promise<GetMaybeUndefined<SSMGetOutput<ExplicitUserProvidedType, InferredFromOptionsType>, InferredFromOptionsType>> {
    const opts = (options ?? {}) as NonNullable<SSMGetOptions>;
    assertName(name, 'parameter name');
    assertTransform(opts.transform, true);
    const sdk = (opts.sdkOptions ?? {}) as Record<string, unknown>;
    const decrypt = resolveDecrypt(opts.decrypt, sdk.WithDecryption as boolean | undefined);
    const maxAge = resolveMaxAge(opts.maxAge);
    const key = this.keyOfName(name, opts.transform, decrypt);
    if (!opts.forceFetch) {
      const hit = this.cache.lookup(key); // fast path: no load machinery on a hit
      if (hit) return hit.value as never;
    }
    const value = await this.cache.load(key, { maxAge, forceFetch: opts.forceFetch }, async () => {
      let raw: string | undefined;
      try {
        raw = await this.transport.getParameter({ name, decrypt, sdkOptions: sdk });
      } catch (error) {
        const code = errorCodeOf(error);
        if (opts.throwOnMissing && isNotFoundCode(code)) {
          throw new ParameterNotFoundError(`Parameter ${name} not found in the store`, { cause: error, code });
        }
        throw new GetParameterError((error as Error).message, { cause: error });
      }
      if (raw === undefined || raw === null) return undefined;
      return opts.transform ? transformValue(raw, opts.transform, name) : raw;
    });
    if (value === undefined && opts.throwOnMissing) throw new ParameterNotFoundError(`Parameter ${name} not found in the store`);
    return value as never;
  }

  /**
   * Every parameter under `path` (GetParametersByPath, all pages), keyed by name relative to the path.
   * Cached under a key of its own: a path never shares a cache entry with a parameter of the same name.
   */
  async getMultiple<ExplicitUserProvidedType = undefined, InferredFromOptionsType extends SSMGetMultipleOptions | undefined = undefined>(
    path: string,
    options?: NonNullable<InferredFromOptionsType & SSMGetMultipleOptions>,
  ): Promise<SSMGetMultipleOutput<ExplicitUserProvidedType, InferredFromOptionsType> | undefined> {
    const opts = (options ?? {}) as NonNullable<SSMGetMultipleOptions>;
    assertName(path, 'parameter path');
    assertTransform(opts.transform, true);
    const sdk = (opts.sdkOptions ?? {}) as Record<string, unknown>;
    const decrypt = resolveDecrypt(opts.decrypt, sdk.WithDecryption as boolean | undefined);
    const recursive = opts.recursive ?? (sdk.Recursive as boolean | undefined);
    const maxAge = resolveMaxAge(opts.maxAge);
    // Filters in sdkOptions change the result, so they are part of the key (MaxResults only changes paging).
    const { MaxResults: _pageSize, ...shaping } = sdk;
    const key = cacheKey('path', path, opts.transform, decrypt, recursive, Boolean(opts.throwOnTransformError), JSON.stringify(shaping));
    return (await this.cache.load(key, { maxAge, forceFetch: opts.forceFetch }, async () => {
      let byFullName: Record<string, string>;
      try {
        byFullName = await this.transport.getParametersByPath({ path, decrypt, recursive, sdkOptions: sdk });
      } catch (error) {
        throw new GetParameterError((error as Error).message, { cause: error });
      }
      const values: Record<string, unknown> = {};
      for (const [fullName, raw] of Object.entries(byFullName)) {
        let name = fullName.startsWith(path) ? fullName.slice(path.length) : fullName;
        if (name.startsWith('/')) name = name.slice(1);
        if (!opts.transform) {
          values[name] = raw;
          continue;
        }
        try {
          values[name] = transformValue(raw, opts.transform, name);
        } catch (error) {
          if (opts.throwOnTransformError) throw error;
          values[name] = undefined;
        }
      }
      return values;
    })) as never;
  }

  /**
   * Several parameters by full name, each with its own options (GetParameters, 10 names per call). Unlike
   * Powertools, every name goes through the cache and its transform whether or not it is decrypted, and
   * `maxAge` (incl. `POWERTOOLS_PARAMETERS_MAX_AGE` and 0 = no caching) is honoured on this path too.
   */
  async getParametersByName<ExplicitUserProvidedType = undefined>(
    parameters: Record<string, SSMGetParametersByNameOptions>,
    options?: NonNullable<SSMGetParametersByNameOptions>,
  ): Promise<SSMGetParametersByNameOutput<ExplicitUserProvidedType>> {
    if (!parameters || typeof parameters !== 'object') throw new TypeError('parameters must be an object of name → options');
    const shared = options ?? {};
    assertTransform(shared.transform, false);
    const throwOnError = shared.throwOnError ?? true;
    if (!throwOnError && Object.hasOwn(parameters, ERRORS_KEY)) {
      throw new GetParameterError(`You cannot fetch a parameter named ${ERRORS_KEY} in graceful error mode.`);
    }
    const defaults = { decrypt: resolveDecrypt(shared.decrypt), maxAge: resolveMaxAge(shared.maxAge), transform: shared.transform };
    const response: Record<string, unknown> = {};
    const errors: string[] = [];
    // name → resolved options, grouped by `decrypt` so each group is one GetParameters flag.
    const toFetch = new Map<boolean, Map<string, { maxAge: number; transform?: string }>>([
      [true, new Map()],
      [false, new Map()],
    ]);
    for (const [name, own] of Object.entries(parameters)) {
      assertName(name, 'parameter name');
      assertTransform(own?.transform, false);
      const decrypt = own?.decrypt ?? defaults.decrypt;
      const transform = own?.transform ?? defaults.transform;
      const maxAge = own?.maxAge !== undefined ? resolveMaxAge(own.maxAge) : defaults.maxAge;
      const hit = this.cache.lookup(this.keyOfName(name, transform, decrypt));
      if (hit) response[name] = hit.value;
      else toFetch.get(decrypt)!.set(name, { maxAge, transform });
    }
    for (const [decrypt, group] of toFetch) {
      const names = [...group.keys()];
      for (let i = 0; i < names.length; i += MAX_GET_PARAMETERS_ITEMS) {
        const chunk = names.slice(i, i + MAX_GET_PARAMETERS_ITEMS);
        let result: Awaited<ReturnType<SsmTransport['getParameters']>>;
        try {
          result = await this.transport.getParameters(chunk, decrypt);
        } catch (error) {
          if (throwOnError) throw new GetParameterError((error as Error).message, { cause: error });
          errors.push(...chunk);
          continue;
        }
        if (result.invalid.length > 0) {
          if (throwOnError)
            throw new GetParameterError(`Failed to fetch parameters: ${result.invalid.join(', ')}`, { code: 'ParameterNotFound' });
          errors.push(...result.invalid);
        }
        for (const name of chunk) {
          if (!Object.hasOwn(result.values, name)) continue;
          const { maxAge, transform } = group.get(name)!;
          let value: unknown = result.values[name];
          if (transform) {
            try {
              value = transformValue(value, transform, name);
            } catch (error) {
              if (throwOnError) throw error;
              errors.push(name);
              continue;
            }
          }
          this.cache.store(this.keyOfName(name, transform, decrypt), value, maxAge);
          response[name] = value;
        }
      }
    }
    if (!throwOnError) response[ERRORS_KEY] = errors;
    return response as never;
  }

  /** Writes a parameter (PutParameter) and returns its new version. Drops cached reads of that name. */
  async set<InferredFromOptionsType extends SSMSetOptions | undefined = SSMSetOptions>(
    name: string,
    options: InferredFromOptionsType & SSMSetOptions,
  ): Promise<number> {
    assertName(name, 'parameter name');
    if (!options || typeof options.value !== 'string') throw new TypeError('setParameter needs options.value (a string)');
    let version: number;
    try {
      version = await this.transport.putParameter({
        name,
        value: options.value,
        overwrite: options.overwrite ?? false,
        type: options.parameterType ?? 'String',
        tier: options.tier ?? 'Standard',
        description: options.description,
        kmsKeyId: options.kmsKeyId,
        sdkOptions: options.sdkOptions as Record<string, unknown> | undefined,
      });
    } catch (error) {
      throw new SetParameterError(`Unable to set parameter with name ${name}: ${(error as Error).message}`, { cause: error });
    }
    this.cache.deletePrefix(cacheKey('param', name) + '\u0000');
    return version;
  }

  private keyOfName(name: string, transform: string | undefined, decrypt: boolean): string {
    return cacheKey('param', name, transform, decrypt);
  }
}

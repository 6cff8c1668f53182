/** The high-level functions of the Powertools API, bound to one entry point's default providers. */

import { errorCodeOf } from '../errors.js';
import type {
  GetMaybeUndefined,
  SecretsGetMultipleOptions,
  SecretsGetMultipleOutput,
  SecretsGetOptions,
  SecretsGetOutput,
  SSMGetMultipleOptions,
  SSMGetMultipleOutput,
  SSMGetOptions,
  SSMGetOutput,
  SSMGetParametersByNameOptions,
  SSMGetParametersByNameOutput,
  SSMSetOptions,
  WithSecretOptions,
} from '../types.js';
import type { DefaultProviders } from './default-providers.js';
import type { SecretsProviderBase } from './secrets-provider.js';
import type { SSMProviderBase } from './ssm-provider.js';

/**
 * `getParameters(path, options)`: every parameter under a path (GetParametersByPath), names relative to the path.
 * `getParameters([name, …], options)`: those parameters by full name (GetParameters, 10 a call; in extension mode
 * the extension's `/systemsmanager/parameters/getparameters` route) — `getParametersByName` with shared options.
 */
export interface GetParameters {
  <ExplicitUserProvidedType = undefined, InferredFromOptionsType extends SSMGetMultipleOptions | undefined = SSMGetMultipleOptions>(
    path: string,
    options?: NonNullable<InferredFromOptionsType & SSMGetMultipleOptions>,
  ): Promise<SSMGetMultipleOutput<ExplicitUserProvidedType, InferredFromOptionsType> | undefined>;
  <ExplicitUserProvidedType = undefined>(
    names: string[],
    options?: NonNullable<SSMGetParametersByNameOptions>,
  ): Promise<SSMGetParametersByNameOutput<ExplicitUserProvidedType>>;
}

/**
 * Authentication failures `withSecret` retries by default: PostgreSQL `28P01` (invalid password) and `28000`
 * (invalid authorization), MySQL `ER_ACCESS_DENIED_ERROR`, and the AWS codes of rejected access keys.
 */
export const DEFAULT_RETRY_ON: readonly string[] = [
  '28P01',
  '28000',
  'ER_ACCESS_DENIED_ERROR',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
];

export function bindFunctions(providers: DefaultProviders<SecretsProviderBase, SSMProviderBase>) {
  /** By path (a string) or by names (an array, GetParameters: see {@link GetParameters}). */
  function getParameters(pathOrNames: string | string[], options?: object): Promise<unknown> {
    if (Array.isArray(pathOrNames)) {
      return providers.ssm.getParametersByName(
        Object.fromEntries(pathOrNames.map((name) => [name, {}])),
        options as SSMGetParametersByNameOptions,
      );
    }
    return providers.ssm.getMultiple(pathOrNames, options as SSMGetMultipleOptions);
  }

  return {
    /** One secret (GetSecretValue) through the default `SecretsProvider`. */
    getSecret<ExplicitUserProvidedType = undefined, InferredFromOptionsType extends SecretsGetOptions | undefined = SecretsGetOptions>(
      name: string,
      options?: NonNullable<InferredFromOptionsType & SecretsGetOptions>,
    ): Promise<GetMaybeUndefined<SecretsGetOutput<ExplicitUserProvidedType, InferredFromOptionsType>, InferredFromOptionsType>> {
      return providers.secrets.get<ExplicitUserProvidedType, InferredFromOptionsType>(name, options);
    },

    /** Several secrets at once (BatchGetSecretValue in SDK mode). */
    getSecretsByName<
      ExplicitUserProvidedType = undefined,
      InferredFromOptionsType extends SecretsGetMultipleOptions | undefined = SecretsGetMultipleOptions,
    >(
      names: string[],
      options?: NonNullable<InferredFromOptionsType & SecretsGetMultipleOptions>,
    ): Promise<SecretsGetMultipleOutput<ExplicitUserProvidedType, InferredFromOptionsType>> {
      return providers.secrets.getMultiple<ExplicitUserProvidedType, InferredFromOptionsType>(names, options);
    },

    /**
     * Several secrets by id — the same as `getSecretsByName`: BatchGetSecretValue in SDK mode, the extension's
     * `/secretsmanager/batchget` route (hits from its cache, misses in one call) in extension mode.
     */
    getSecrets<
      ExplicitUserProvidedType = undefined,
      InferredFromOptionsType extends SecretsGetMultipleOptions | undefined = SecretsGetMultipleOptions,
    >(
      ids: string[],
      options?: NonNullable<InferredFromOptionsType & SecretsGetMultipleOptions>,
    ): Promise<SecretsGetMultipleOutput<ExplicitUserProvidedType, InferredFromOptionsType>> {
      return providers.secrets.getMultiple<ExplicitUserProvidedType, InferredFromOptionsType>(ids, options);
    },

    /**
     * Calls `fn` with the secret's value. When `fn` fails with an error that `retryOn` says is an authentication
     * failure (the secret was rotated under us), fetches the value once more past every cache (`refreshNow`, the
     * extension's too) and calls `fn` once more; that second outcome is final. Any other failure is rethrown as is.
     */
    async withSecret<
      Result,
      ExplicitUserProvidedType = undefined,
      InferredFromOptionsType extends SecretsGetOptions | undefined = SecretsGetOptions,
    >(
      id: string,
      fn: (value: SecretsGetOutput<ExplicitUserProvidedType, InferredFromOptionsType>) => Result | Promise<Result>,
      options?: NonNullable<InferredFromOptionsType & WithSecretOptions>,
    ): Promise<Result> {
      const { retryOn = DEFAULT_RETRY_ON, ...getOptions } = (options ?? {}) as WithSecretOptions;
      const matches = typeof retryOn === 'function' ? retryOn : (e: unknown) => retryOn.includes(errorCodeOf(e));
      const read = (refreshNow: boolean) =>
        providers.secrets.get(id, { ...getOptions, ...(refreshNow && { refreshNow: true }), throwOnMissing: true } as never) as Promise<
          SecretsGetOutput<ExplicitUserProvidedType, InferredFromOptionsType>
        >;
      try {
        return await fn(await read(false));
      } catch (error) {
        if (!matches(error)) throw error;
      }
      return fn(await read(true));
    },

    /** One parameter (GetParameter) through the default `SSMProvider`. */
    getParameter<ExplicitUserProvidedType = undefined, InferredFromOptionsType extends SSMGetOptions | undefined = SSMGetOptions>(
      name: string,
      options?: NonNullable<InferredFromOptionsType & SSMGetOptions>,
    ): Promise<GetMaybeUndefined<SSMGetOutput<ExplicitUserProvidedType, InferredFromOptionsType>, InferredFromOptionsType>> {
      return providers.ssm.get<ExplicitUserProvidedType, InferredFromOptionsType>(name, options);
    },

    getParameters: getParameters as GetParameters,

    /** Several parameters by full name, each with its own options (GetParameters). */
    getParametersByName<ExplicitUserProvidedType = undefined>(
      parameters: Record<string, SSMGetParametersByNameOptions>,
      options?: NonNullable<SSMGetParametersByNameOptions>,
    ): Promise<SSMGetParametersByNameOutput<ExplicitUserProvidedType>> {
      return providers.ssm.getParametersByName<ExplicitUserProvidedType>(parameters, options);
    },

    /** Writes a parameter (PutParameter); resolves to its new version number. */
    setParameter<InferredFromOptionsType extends SSMSetOptions | undefined = SSMSetOptions>(
      name: string,
      options: InferredFromOptionsType & SSMSetOptions,
    ): Promise<number> {
      return providers.ssm.set<InferredFromOptionsType>(name, options);
    },

    /** Empties the caches of the default providers. */
    clearCaches(): void {
      providers.clearCaches();
    },
  };
}

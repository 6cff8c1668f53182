/**
 * `@parasol/client/extension` — extension mode: the same API as `@parasol/client`, served by the Parameters
 * and Secrets extension (parasol's or AWS's) on loopback. No AWS SDK; only Node built-ins are imported.
 *
 * Not offered by the extension, so refused with {@link UnsupportedOperationError} (wrapped as the `cause` of
 * GetParameterError / SetParameterError) before any request: `getParameters` by path (by names it is served) and `setParameter`.
 */
import { DefaultProviders } from '../core/default-providers.js';
import { bindFunctions } from '../core/functions.js';

export { DEFAULT_RETRY_ON, type GetParameters } from '../core/functions.js';

import type { CacheOptions } from '../core/options.js';
import { SecretsProviderBase } from '../core/secrets-provider.js';
import { SSMProviderBase } from '../core/ssm-provider.js';
import { type ExtensionClientOptions, ExtensionHttpClient } from './http.js';
import { ExtensionSecretsTransport, ExtensionSsmTransport } from './transports.js';

export type ExtensionProviderOptions = CacheOptions & ExtensionClientOptions;

function checkOptions(options: ExtensionProviderOptions): void {
  const given = options as { clientConfig?: unknown; awsSdkV3Client?: unknown };
  if (given.clientConfig !== undefined || given.awsSdkV3Client !== undefined) {
    throw new TypeError('clientConfig and awsSdkV3Client are SDK-mode options: import from @parasol/client to use an AWS SDK client');
  }
}

/** Secrets Manager through the extension (`GET /secretsmanager/get`). */
export class SecretsProvider extends SecretsProviderBase {
  constructor(options: ExtensionProviderOptions = {}) {
    checkOptions(options);
    super(new ExtensionSecretsTransport(new ExtensionHttpClient(options)), options);
  }
}

/** Parameter Store through the extension (`GET /systemsmanager/parameters/get`). */
export class SSMProvider extends SSMProviderBase {
  constructor(options: ExtensionProviderOptions = {}) {
    checkOptions(options);
    super(new ExtensionSsmTransport(new ExtensionHttpClient(options)), options);
  }
}

const defaults = new DefaultProviders(
  () => new SecretsProvider(),
  () => new SSMProvider(),
);

export const {
  getSecret,
  getSecrets,
  getSecretsByName,
  getParameter,
  getParameters,
  getParametersByName,
  setParameter,
  withSecret,
  clearCaches,
} = bindFunctions(defaults);
export { DEFAULT_MAX_AGE_SECS, Transform } from '../env.js';
export {
  ExtensionError,
  GetParameterError,
  ParameterNotFoundError,
  SetParameterError,
  TransformParameterError,
  UnsupportedOperationError,
} from '../errors.js';
export type * from '../types.js';
export { type ExtensionClientOptions, TOKEN_HEADER } from './http.js';

/**
 * `@parasol/client` — SDK mode: the Powertools parameters API over AWS SDK v3. The SDK clients are optional
 * peer dependencies, imported the first time a provider sends a request.
 *
 * For reads through the Parameters and Secrets extension without any SDK, import `@parasol/client/extension`.
 */
import { DefaultProviders } from './core/default-providers.js';
import { bindFunctions } from './core/functions.js';

export { DEFAULT_RETRY_ON, type GetParameters } from './core/functions.js';

import { SecretsProvider, SSMProvider } from './sdk/providers.js';

const defaults = new DefaultProviders(
  () => new SecretsProvider(),
  () => new SSMProvider(),
);
const functions = bindFunctions(defaults);

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
} = functions;
export { DEFAULT_CACHE_SIZE, ValueCache } from './cache.js';
export { DEFAULT_MAX_AGE_SECS, Transform } from './env.js';
export {
  ExtensionError,
  GetParameterError,
  ParameterNotFoundError,
  SetParameterError,
  TransformParameterError,
  UnsupportedOperationError,
} from './errors.js';
export type { SecretsProviderOptions, SSMProviderOptions } from './sdk/providers.js';
export type * from './types.js';
export { SecretsProvider, SSMProvider };

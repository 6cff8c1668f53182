/**
 * @parasol/extension — an AWS Parameters and Secrets Lambda Extension
 * compatible caching sidecar. In-process use:
 *
 *   const { config } = loadConfig(process.env);
 *   const ext = await startExtension(config);   // listening on ext.url
 */
export { type CacheResult, type CacheStatus, ResponseCache } from './cache.js';
export { describeConfig, type ExtensionConfig, type LoadedConfig, loadConfig, MAX_TTL_SECONDS, type StaticCredentials } from './config.js';
export { ConfigError, ExtensionError, RequestError, UpstreamError } from './errors.js';
export { type RunningExtension, type StartOptions, startExtension } from './extension.js';
export { createLogger, type Logger, type LogLevel } from './log.js';
export { Metrics } from './metrics.js';
export { parseRoute, type Route } from './parse.js';
export { runFromEnvironment } from './run.js';
export { hasReferenceFields, parseSecretReference, type SecretReference } from './secret-reference.js';
export { createTokenMatcher, resolveToken, TOKEN_HEADER } from './token.js';
// The upstream client, credentials and version are not part of the extension's purpose: they are
// exported only because `parasol dev` (packages/cli) borrows them to seed the local service over the
// same signed AWS JSON path. Nothing else should depend on them.
export { AwsJsonClient, type ClientOptions } from './upstream/client.js';
export { createCredentialSource } from './upstream/credentials.js';
export { packageVersion } from './upstream/index.js';

/**
 * AWS credentials for signing. On Lambda they are in the environment (read
 * once at start); elsewhere (ECS, EC2, SSO, profiles) the standard provider
 * chain is imported lazily on first use, so its cost is paid only where it is
 * needed and never on the Lambda cold start.
 */
import type { StaticCredentials } from '../config.js';
import { UpstreamError } from '../errors.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialSource = () => Promise<Credentials>;

/** Refresh this long before expiry so a signed request never carries expiring credentials. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export function createCredentialSource(fromEnvironment: StaticCredentials | undefined): CredentialSource {
  if (fromEnvironment) {
    const fixed: Credentials = { ...fromEnvironment };
    return async () => fixed;
  }
  let current: Credentials | undefined;
  let loading: Promise<Credentials> | undefined;
  let provider: (() => Promise<Credentials>) | undefined;
  return async () => {
    if (current && (!current.expiration || current.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS)) return current;
    loading ??= (async () => {
      try {
        if (!provider) {
          const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
          provider = fromNodeProviderChain();
        }
        current = await provider();
        return current;
      } catch (e) {
        throw new UpstreamError(
          'credentials',
          'CredentialsProviderError',
          `could not load AWS credentials: ${e instanceof Error ? e.message : 'unknown error'}`,
        );
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  };
}

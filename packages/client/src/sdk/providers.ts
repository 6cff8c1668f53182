import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SSMClient, SSMClientConfig } from '@aws-sdk/client-ssm';
import type { CacheOptions } from '../core/options.js';
import { SecretsProviderBase } from '../core/secrets-provider.js';
import { SSMProviderBase } from '../core/ssm-provider.js';
import { SdkSecretsTransport } from './secrets-transport.js';
import { SdkSsmTransport } from './ssm-transport.js';

/** Either SDK client config or your own client, never both (as in Powertools). */
export type SecretsProviderOptions = CacheOptions &
  ({ clientConfig?: SecretsManagerClientConfig; awsSdkV3Client?: never } | { awsSdkV3Client?: SecretsManagerClient; clientConfig?: never });

export type SSMProviderOptions = CacheOptions &
  ({ clientConfig?: SSMClientConfig; awsSdkV3Client?: never } | { awsSdkV3Client?: SSMClient; clientConfig?: never });

function checkClientOptions(options: { clientConfig?: unknown; awsSdkV3Client?: unknown }): void {
  if (options.clientConfig !== undefined && options.awsSdkV3Client !== undefined) {
    throw new TypeError('pass either clientConfig or awsSdkV3Client, not both');
  }
  const client = options.awsSdkV3Client as { send?: unknown } | undefined;
  if (client !== undefined && (client === null || typeof client.send !== 'function')) {
    throw new TypeError('awsSdkV3Client must be an AWS SDK v3 client (an object with a send() method)');
  }
}

/** Secrets Manager through AWS SDK v3 (`@aws-sdk/client-secrets-manager`, loaded on first use). */
export class SecretsProvider extends SecretsProviderBase {
  private readonly sdkTransport: SdkSecretsTransport;

  constructor(options: SecretsProviderOptions = {}) {
    checkClientOptions(options);
    const transport = new SdkSecretsTransport(options.clientConfig, options.awsSdkV3Client);
    super(transport, options);
    this.sdkTransport = transport;
  }

  /** The SDK client this provider sends with (created on first call). */
  getClient(): Promise<SecretsManagerClient> {
    return this.sdkTransport.getClient();
  }
}

/** Parameter Store through AWS SDK v3 (`@aws-sdk/client-ssm`, loaded on first use). */
export class SSMProvider extends SSMProviderBase {
  private readonly sdkTransport: SdkSsmTransport;

  constructor(options: SSMProviderOptions = {}) {
    checkClientOptions(options);
    const transport = new SdkSsmTransport(options.clientConfig, options.awsSdkV3Client);
    super(transport, options);
    this.sdkTransport = transport;
  }

  getClient(): Promise<SSMClient> {
    return this.sdkTransport.getClient();
  }
}

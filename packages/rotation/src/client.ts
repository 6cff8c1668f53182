import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The Secrets Manager client a rotation function uses. The SDK itself reads
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL`, region and credentials
 * from the environment, so the same code runs against AWS and `parasol serve`.
 * AWS's own templates use `SECRETS_MANAGER_ENDPOINT`; it is honoured when no
 * standard endpoint variable is set.
 */
export function defaultSecretsManagerClient(env: NodeJS.ProcessEnv = process.env): SecretsManagerClient {
  const standard = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
  const legacy = env.SECRETS_MANAGER_ENDPOINT;
  return new SecretsManagerClient(!standard && legacy ? { endpoint: legacy } : {});
}

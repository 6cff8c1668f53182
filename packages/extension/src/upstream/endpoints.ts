/**
 * Where Secrets Manager and SSM are reached, following the AWS SDK conventions:
 * AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL_SSM, then AWS_ENDPOINT_URL,
 * else the public regional endpoints. Region from AWS_REGION, then AWS_DEFAULT_REGION.
 */
import { ConfigError } from '../errors.js';

export interface Endpoints {
  region: string;
  secretsManager: string;
  ssm: string;
}

export function resolveEndpoints(env: NodeJS.ProcessEnv): Endpoints {
  const shared = env.AWS_ENDPOINT_URL || undefined;
  const smOverride = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || shared;
  const ssmOverride = env.AWS_ENDPOINT_URL_SSM || shared;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (smOverride && ssmOverride ? 'us-east-1' : undefined);
  if (!region) {
    throw new ConfigError('AWS_REGION', 'AWS_REGION (or AWS_DEFAULT_REGION) must be set to reach Secrets Manager and SSM');
  }
  if (!/^[a-z0-9-]+$/.test(region)) throw new ConfigError('AWS_REGION', `AWS_REGION must look like us-east-1, got '${region}'`);
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return {
    region,
    secretsManager: checkUrl(
      smOverride === env.AWS_ENDPOINT_URL_SECRETS_MANAGER ? 'AWS_ENDPOINT_URL_SECRETS_MANAGER' : 'AWS_ENDPOINT_URL',
      smOverride ?? `https://secretsmanager.${region}.${suffix}`,
    ),
    ssm: checkUrl(
      ssmOverride === env.AWS_ENDPOINT_URL_SSM ? 'AWS_ENDPOINT_URL_SSM' : 'AWS_ENDPOINT_URL',
      ssmOverride ?? `https://ssm.${region}.${suffix}`,
    ),
  };
}

function checkUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, `${variable} must be an http:// or https:// URL, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(variable, `${variable} must be an http:// or https:// URL, got '${value}'`);
  }
  return url.origin;
}

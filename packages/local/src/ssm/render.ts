import { epochSeconds } from '../clock.js';
import type { Vault } from '../crypto.js';
import type { ServiceContext } from '../module.js';
import { parameterArn } from './names.js';
import { renderPolicies } from './policies.js';
import type { ParameterVersion, VersionRow } from './store.js';

/** Additional authenticated data binding a sealed value to its parameter version. */
export const sealContext = (region: string, key: string, version: number) => `ssm-parameter:${region}:${key}:${version}`;

/**
 * The value a response carries: plaintext for String/StringList; for
 * SecureString the plaintext only with WithDecryption, otherwise the opaque
 * ciphertext (base64), as AWS returns its KMS blob.
 */
export function responseValue(vault: Vault, region: string, key: string, v: VersionRow, decrypt: boolean): string {
  if (v.type !== 'SecureString') return v.value ?? '';
  const sealed = v.sealed as Buffer;
  if (!decrypt) return sealed.toString('base64');
  return vault.open(sealed, v.key_id ?? '', sealContext(region, key, v.version)).toString('utf8');
}

/** The `Parameter` shape (GetParameter, GetParameters, GetParametersByPath). */
export function renderParameter(ctx: ServiceContext, p: ParameterVersion, decrypt: boolean, name = p.name, selector?: string) {
  return {
    Name: name,
    Type: p.type,
    Value: responseValue(ctx.vault, ctx.region, p.key, p, decrypt),
    Version: p.version,
    ...(selector ? { Selector: selector } : {}),
    LastModifiedDate: epochSeconds(p.modified_at),
    ARN: parameterArn(ctx.region, ctx.accountId, p.key),
    DataType: p.data_type,
  };
}

/** The `ParameterMetadata` shape (DescribeParameters): no value. */
export function renderMetadata(ctx: ServiceContext, p: ParameterVersion) {
  return {
    Name: p.name,
    ARN: parameterArn(ctx.region, ctx.accountId, p.key),
    Type: p.type,
    ...(p.type === 'SecureString' && p.key_id ? { KeyId: p.key_id } : {}),
    LastModifiedDate: epochSeconds(p.modified_at),
    LastModifiedUser: p.modified_by,
    ...(p.description ? { Description: p.description } : {}),
    ...(p.allowed_pattern ? { AllowedPattern: p.allowed_pattern } : {}),
    Version: p.version,
    Tier: p.tier,
    Policies: renderPolicies(p.policies),
    DataType: p.data_type,
  };
}

/** The `ParameterHistory` shape (GetParameterHistory). */
export function renderHistory(ctx: ServiceContext, name: string, key: string, v: VersionRow, labels: string[], decrypt: boolean) {
  return {
    Name: name,
    Type: v.type,
    ...(v.type === 'SecureString' && v.key_id ? { KeyId: v.key_id } : {}),
    LastModifiedDate: epochSeconds(v.modified_at),
    LastModifiedUser: v.modified_by,
    ...(v.description ? { Description: v.description } : {}),
    Value: responseValue(ctx.vault, ctx.region, key, v, decrypt),
    ...(v.allowed_pattern ? { AllowedPattern: v.allowed_pattern } : {}),
    Version: v.version,
    Labels: labels,
    Tier: v.tier,
    Policies: renderPolicies(v.policies),
    DataType: v.data_type,
  };
}

import { invalidAllowedPattern, invalidKeyId, parameterPatternMismatch, ssmValidation } from './errors.js';
import type { ParameterType, Tier } from './store.js';

/** Value size limits per tier, in bytes (4 KB / 8 KB). */
export const STANDARD_MAX_VALUE = 4096;
export const ADVANCED_MAX_VALUE = 8192;
export const DEFAULT_KEY_ID = 'alias/aws/ssm';
export const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'] as const;

/** Checks the value fits the tier; the texts are AWS's (Systems Manager User Guide: parameter tiers). */
export function checkValueSize(value: string, tier: Tier): void {
  const size = Buffer.byteLength(value);
  if (tier === 'Standard' && size > STANDARD_MAX_VALUE) {
    throw ssmValidation(
      'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html',
    );
  }
  if (size > ADVANCED_MAX_VALUE) {
    throw ssmValidation(`Advanced tier parameters support a maximum parameter value of 8192 characters. The value has ${size} bytes.`);
  }
}

/** Parameter values can't reference other parameters (`{{ssm:...}}`). */
export function checkNoNestedReference(value: string): void {
  if (/\{\{.*\}\}/s.test(value)) {
    throw ssmValidation('Parameter value can\'t nest another parameter. Do not use "{{}}" in the value.');
  }
}

/**
 * Resolves the tier a write ends up in. Intelligent-Tiering picks Advanced
 * only when the value or policies need it; a parameter never goes back from
 * Advanced to Standard.
 */
export function resolveTier(requested: string | undefined, previous: Tier | undefined, value: string, hasPolicies: boolean): Tier {
  let tier: Tier;
  if (requested === 'Advanced') tier = 'Advanced';
  else if (requested === 'Standard') tier = 'Standard';
  else if (requested === 'Intelligent-Tiering') {
    tier = previous === 'Advanced' || hasPolicies || Buffer.byteLength(value) > STANDARD_MAX_VALUE ? 'Advanced' : 'Standard';
  } else tier = previous ?? 'Standard';
  if (previous === 'Advanced' && tier === 'Standard') {
    throw ssmValidation(
      "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
    );
  }
  if (tier === 'Standard' && hasPolicies) {
    throw ssmValidation(
      'Parameter policies are supported only for the advanced-parameter tier. Set Tier to Advanced or Intelligent-Tiering.',
    );
  }
  return tier;
}

/**
 * KMS key identifiers SSM accepts: a key id (UUID or multi-Region `mrk-`), an
 * alias name, or a key/alias ARN. AWS-managed aliases of other services are refused.
 */
export function checkKeyId(keyId: string): void {
  const keyPart = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
  const alias = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
  const arn = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/(.+)|alias\/[a-zA-Z0-9/_-]+)$/;
  const m = keyId.match(arn);
  const ok = keyPart.test(keyId) || alias.test(keyId) || (m !== null && (m[2] === undefined || keyPart.test(m[2])));
  if (!ok) throw invalidKeyId(keyId);
  if (/^alias\/aws\//.test(keyId) && keyId !== DEFAULT_KEY_ID) throw invalidKeyId(keyId);
}

export function checkDataType(dataType: string, type: ParameterType): void {
  if (!(DATA_TYPES as readonly string[]).includes(dataType)) {
    throw ssmValidation(`The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
  }
  if (dataType === 'aws:ec2:image' && type !== 'String') {
    throw ssmValidation('The aws:ec2:image data type is only supported for String parameters.');
  }
  if (dataType === 'aws:ssm:integration' && type !== 'SecureString') {
    throw ssmValidation('The aws:ssm:integration data type is only supported for SecureString parameters.');
  }
}

/**
 * Whether an `aws:ec2:image` value has the form of an AMI id (`ami-` and 8 or
 * 17 lowercase hex digits). AWS checks this after answering PutParameter, and
 * also that the image exists — which cannot be known here, so only the form is checked.
 */
export function isAmiId(value: string): boolean {
  return /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(value);
}

/** Compiles an AllowedPattern (a regular expression the whole value must match). */
export function compileAllowedPattern(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 's');
  } catch (e) {
    throw invalidAllowedPattern(`${pattern} is not a valid regular expression (${(e as Error).message}).`);
  }
}

export function checkAllowedPattern(pattern: string, value: string): void {
  if (!compileAllowedPattern(pattern).test(value)) throw parameterPatternMismatch(pattern);
}

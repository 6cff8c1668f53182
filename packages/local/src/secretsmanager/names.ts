import { randomInt } from 'node:crypto';
import { invalidName } from './errors.js';

/** Characters a secret name may use (Secrets Manager API Reference: CreateSecret). */
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** `-` + 6 random characters that AWS appends to every secret ARN. */
export const ARN_SUFFIX_LENGTH = 7;

export const isArn = (secretId: string) => secretId.startsWith('arn:');

/** Throws AWS's ValidationException unless `name` is a valid secret name. */
export function assertValidName(name: string): void {
  if (!NAME_PATTERN.test(name)) throw invalidName();
}

export function randomArnSuffix(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return s;
}

export const secretArn = (region: string, accountId: string, name: string, suffix = randomArnSuffix()) =>
  `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${suffix}`;

/** The same secret's ARN in another region (replicas keep the primary's suffix). */
export const arnInRegion = (arn: string, region: string) => {
  const parts = arn.split(':');
  parts[3] = region;
  return parts.join(':');
};

/** `arn:aws:secretsmanager:<region>:<account>:secret:<rest>` → `<rest>`; undefined if not a secret ARN. */
export function nameFromArn(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[2] !== 'secretsmanager' || parts[5] !== 'secret') return undefined;
  return parts.slice(6).join(':');
}

export const regionFromArn = (arn: string) => arn.split(':')[3];

/** Midnight UTC of the day containing `ms`: LastAccessedDate has day resolution. */
export const dayStart = (ms: number) => ms - (ms % 86_400_000);

import { AwsError } from '../errors.js';
import type { ServiceContext } from '../module.js';
import type { SecretsReader } from '../secretsmanager/index.js';
import { parameterNotFound, ssmValidation } from './errors.js';
import type { ParsedReference } from './names.js';

/**
 * `/aws/reference/secretsmanager/<secret-id>[:<VersionId or stage>]`
 * (Systems Manager User Guide: referencing Secrets Manager secrets from Parameter Store parameters): a stateless read-through to Secrets Manager, answered
 * in the Parameter shape AWS documents.
 */
export function checkReferenceDecryption(withDecryption: boolean | undefined): void {
  if (withDecryption !== true) {
    throw ssmValidation('WithDecryption flag must be True for retrieving a Secret Manager secret.');
  }
}

/** AWS puts this before "Secret … not found." (docs/aws-behaviour.md, "Secrets Manager references"). */
const REFERENCE_NOT_FOUND_PREFIX = 'An error occurred (ParameterNotFound) when referencing Secrets Manager: ';

const looksLikeVersionId = (s: string) => s.length >= 32 && s.length <= 64 && /^[a-zA-Z0-9-]+$/.test(s) && s.includes('-');

export function readReference(secrets: SecretsReader, ctx: ServiceContext, ref: ParsedReference) {
  if (ref.secretId === '') throw parameterNotFound();
  const secret = fetchSecret(secrets, ctx, ref);
  const source: Record<string, unknown> = {
    ARN: secret.ARN,
    CreatedDate: secret.CreatedDate,
    Name: secret.Name,
    VersionId: secret.VersionId,
    ...(secret.SecretString !== undefined ? { SecretString: secret.SecretString } : {}),
    ...(secret.SecretBinary !== undefined ? { SecretBinary: secret.SecretBinary } : {}),
    VersionStages: secret.VersionStages,
  };
  return {
    Name: ref.path,
    Type: 'SecureString',
    Value: secret.SecretString ?? secret.SecretBinary ?? '',
    Version: 0,
    ...(ref.selector !== undefined ? { Selector: `:${ref.selector}` } : {}),
    SourceResult: JSON.stringify(source),
    LastModifiedDate: secret.CreatedDate,
    ARN: secret.ARN,
    DataType: 'text',
  };
}

function fetchSecret(secrets: SecretsReader, ctx: ServiceContext, ref: ParsedReference) {
  const read = (input: { VersionId?: string; VersionStage?: string }) => {
    try {
      return secrets.getSecretValue(ctx, { SecretId: ref.secretId, ...input });
    } catch (e) {
      throw toSsmError(e, ref);
    }
  };
  if (ref.selector === undefined) return read({});
  if (looksLikeVersionId(ref.selector)) {
    try {
      return read({ VersionId: ref.selector });
    } catch (e) {
      if (!(e instanceof AwsError && e.code === 'ParameterNotFound')) throw e;
    }
  }
  if (!/^[a-zA-Z0-9._-]{1,256}$/.test(ref.selector)) throw parameterNotFound();
  return read({ VersionStage: ref.selector });
}

/** Secrets Manager's errors in Parameter Store's words. */
function toSsmError(e: unknown, ref: ParsedReference): unknown {
  if (!(e instanceof AwsError)) return e;
  switch (e.code) {
    case 'ResourceNotFoundException':
    case 'InvalidRequestException': // e.g. the secret is scheduled for deletion
      return parameterNotFound(`${REFERENCE_NOT_FOUND_PREFIX}Secret ${ref.path} not found.`);
    case 'DecryptionFailure':
      return new AwsError('InvalidKeyId', e.message, 400, 'message');
    case 'InvalidParameterException':
      return ssmValidation(e.message);
    default:
      return e;
  }
}

/**
 * The ECS-style secret reference: `arn-or-name[:json-key[:version-stage[:version-id]]]`,
 * as ECS task definitions write `valueFrom` (empty fields mean "not given").
 * A plain name or a plain ARN is a reference with no extra field. Secret names
 * cannot contain `:` and an ARN has exactly seven `:`-separated parts, so the
 * form is never ambiguous. Shared by every place a secret is named: the GET
 * routes, prefetch, and (through the package's exports) exec and templates.
 */
import { RequestError } from './errors.js';

export interface SecretReference {
  /** Name or ARN, as Secrets Manager takes it. */
  secretId: string;
  /** Top-level key of the secret's JSON object whose value is wanted. */
  jsonKey?: string;
  versionStage?: string;
  versionId?: string;
}

const ARN_PARTS = 7;

/**
 * Parses `arn-or-name:json-key:version-stage:version-id` (trailing fields may be
 * left out or empty). Throws a RequestError (InvalidParameterException, 400)
 * for an empty id or more than three extra fields.
 */
export function parseSecretReference(reference: string): SecretReference {
  const parts = reference.split(':');
  const idParts = reference.startsWith('arn:') ? ARN_PARTS : 1;
  const secretId = parts.slice(0, idParts).join(':');
  const extra = parts.slice(idParts);
  if (!secretId || (idParts === ARN_PARTS && parts.length < ARN_PARTS)) {
    if (!secretId) throw new RequestError('InvalidParameterException', 'secret reference has an empty secret id', 400);
    return { secretId: reference }; // a partial ARN-looking id: pass it on for Secrets Manager to judge
  }
  if (extra.length > 3) {
    throw new RequestError(
      'InvalidParameterException',
      'secret reference has too many fields; the form is arn-or-name:json-key:version-stage:version-id',
      400,
    );
  }
  const [jsonKey, versionStage, versionId] = extra.map((s) => s || undefined);
  return {
    secretId,
    ...(jsonKey !== undefined && { jsonKey }),
    ...(versionStage !== undefined && { versionStage }),
    ...(versionId !== undefined && { versionId }),
  };
}

/** The characters a secret name may hold (CreateSecret's Name). */
const NAME = /^[A-Za-z0-9/_+=.@-]+$/;

/**
 * True when `id` carries fields after the name or ARN (so it must go through
 * {@link parseSecretReference}). An id whose part before the first `:` is not
 * a possible secret name is no reference: it is passed on whole, for Secrets
 * Manager to refuse with its own error.
 */
export function hasReferenceFields(id: string): boolean {
  const colons = id.split(':').length - 1;
  if (id.startsWith('arn:')) return colons > ARN_PARTS - 1;
  return colons > 0 && NAME.test(id.slice(0, id.indexOf(':')));
}

/**
 * References to a secret or a parameter, as written on the command line, in
 * `PARASOL_ENV_<NAME>` variables and in templates:
 *
 *   sm:<name-or-arn>[:json-key[:version-stage[:version-id]]]   (ECS's `valueFrom` order; empty fields skipped)
 *   ssm:<name-or-arn>[:version|:label]                          (Parameter Store's own selector syntax)
 *
 * A reference names where a value lives, never the value, so it may appear in
 * error messages and logs.
 */

/** A value in Secrets Manager, optionally one key of its JSON. */
export interface SecretRef {
  kind: 'secret';
  /** The reference as written (safe to show). */
  text: string;
  secretId: string;
  jsonKey?: string;
  versionStage?: string;
  versionId?: string;
}

/** A value in Parameter Store (always read decrypted). */
export interface ParameterRef {
  kind: 'parameter';
  text: string;
  name: string;
  version?: string;
  label?: string;
}

export type Ref = SecretRef | ParameterRef;

/** A reference that cannot be parsed; the message quotes the reference (never a value). */
export class RefError extends Error {
  readonly code = 'InvalidReference';
}

/** `sm:…` or `ssm:…` → a typed reference. */
export function parseRef(text: string): Ref {
  if (text.startsWith('sm:')) return parseSecretRef(text.slice(3), text);
  if (text.startsWith('ssm:')) return parseParameterRef(text.slice(4), text);
  throw new RefError(`reference '${shown(text)}' must start with sm: (Secrets Manager) or ssm: (Parameter Store)`);
}

/** The part after `sm:`. Secret names cannot contain ':', so every ':' after the name (or the 7-part ARN) separates a field. */
export function parseSecretRef(body: string, text = `sm:${body}`): SecretRef {
  const parts = body.split(':');
  const idParts = parts[0] === 'arn' ? 7 : 1;
  if (parts.length < idParts || (idParts === 7 && parts[5] !== 'secret')) {
    throw new RefError(`reference '${shown(text)}': a secret ARN looks like arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`);
  }
  const secretId = parts.slice(0, idParts).join(':');
  const [jsonKey, versionStage, versionId, ...extra] = parts.slice(idParts);
  if (!secretId || (idParts === 7 && !parts[6])) throw new RefError(`reference '${shown(text)}' names no secret`);
  if (extra.length > 0) {
    throw new RefError(`reference '${shown(text)}' has too many ':' fields (sm:NAME[:json-key[:version-stage[:version-id]]])`);
  }
  if (secretId.length > 2048) throw new RefError(`reference '${shown(text)}': the secret id is longer than 2048 characters`);
  return {
    kind: 'secret',
    text,
    secretId,
    jsonKey: jsonKey || undefined,
    versionStage: versionStage || undefined,
    versionId: versionId || undefined,
  };
}

/** The part after `ssm:`. Parameter names cannot contain ':'; a trailing `:N` is a version, any other `:X` a label. */
export function parseParameterRef(body: string, text = `ssm:${body}`): ParameterRef {
  const parts = body.split(':');
  const idParts = parts[0] === 'arn' ? 6 : 1;
  if (parts.length < idParts || (idParts === 6 && !parts[5]?.startsWith('parameter/'))) {
    throw new RefError(`reference '${shown(text)}': a parameter ARN looks like arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`);
  }
  const name = parts.slice(0, idParts).join(':');
  const [selector, ...extra] = parts.slice(idParts);
  if (!name || (idParts === 6 && parts[5] === 'parameter/')) throw new RefError(`reference '${shown(text)}' names no parameter`);
  if (extra.length > 0) throw new RefError(`reference '${shown(text)}' has too many ':' fields (ssm:NAME[:version|:label])`);
  if (selector === '') throw new RefError(`reference '${shown(text)}' ends with ':' but gives no version or label`);
  if (selector === undefined) return { kind: 'parameter', text, name };
  // Parameter Store labels cannot begin with a digit, so digits are always a version.
  if (/^\d+$/.test(selector)) {
    if (!/^[1-9]\d{0,18}$/.test(selector)) throw new RefError(`reference '${shown(text)}': a version is a positive whole number`);
    return { kind: 'parameter', text, name, version: selector };
  }
  return { kind: 'parameter', text, name, label: selector };
}

/** Environment variable names a child can be given (POSIX shell names). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkEnvName(name: string, where: string): void {
  if (!ENV_NAME.test(name)) {
    throw new RefError(`${where}: '${shown(name)}' is not a valid variable name (letters, digits and _, not starting with a digit)`);
  }
}

/**
 * chamber's naming for `--path`: the part of the parameter name after the
 * prefix, upper-cased, every other character than A–Z, 0–9 and _ turned into
 * `_` (`/app/prod/db/url` under `/app/prod/` → `DB_URL`). A leading digit gets
 * a `_` in front so the name stays usable in a shell.
 */
export function envNameForPath(parameterName: string, prefix: string): string {
  const normalizedPrefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const rest = parameterName.startsWith(normalizedPrefix) ? parameterName.slice(normalizedPrefix.length) : parameterName;
  const name = rest.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** A reference shortened for a message (a reference is not secret, but may be long or odd). */
function shown(text: string): string {
  const cut = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  let out = '';
  for (const c of cut) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return out;
}

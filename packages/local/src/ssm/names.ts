import { accessDenied, hierarchyLevelLimitExceeded, ssmValidation } from './errors.js';

/**
 * Parameter names (Systems Manager User Guide: parameter name requirements and constraints).
 *
 * Every parameter is stored under a canonical key that always starts with `/`:
 * `foo` and `/foo` are the same parameter on AWS, and a leading slash makes
 * path queries plain prefix queries. The name a parameter was created with is
 * kept for display.
 */
export const MAX_DEPTH = 15;
/** The usable name length, counted on the whole parameter ARN. */
export const MAX_ARN_LENGTH = 1011;
export const REFERENCE_PREFIX = '/aws/reference/secretsmanager/';

const NAME_CHARS = /^[a-zA-Z0-9_.\-/]+$/;

/** AWS's text for a name with characters outside the allowed set (localstack#7712, recorded from AWS). */
export const INVALID_NAME_MESSAGE =
  'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

export function canonicalKey(name: string): string {
  return name.startsWith('/') ? name : `/${name}`;
}

export function parameterArn(region: string, accountId: string, key: string): string {
  return `arn:aws:ssm:${region}:${accountId}:parameter/${key.slice(1)}`;
}

/** Validates a name given to a write (PutParameter); returns it trimmed as AWS does. */
export function validateNewName(rawName: string, region: string, accountId: string): string {
  const name = rawName.trim();
  checkNameSyntax(name);
  const key = canonicalKey(name);
  const first = key.split('/')[1];
  if (/^aws$/i.test(first) && name.startsWith('/') && name.includes('/', 1)) {
    throw accessDenied(`No access to reserved parameter name: ${name}.`);
  }
  if (/^(aws|ssm)/i.test(first)) {
    if (name.startsWith('/') && name.includes('/', 1) && /^ssm/i.test(first)) throw ssmValidation(INVALID_NAME_MESSAGE);
    throw ssmValidation('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
  }
  if (parameterArn(region, accountId, key).length > MAX_ARN_LENGTH) {
    throw ssmValidation(
      `Parameter name is too long: the parameter ARN can have at most ${MAX_ARN_LENGTH} characters, including the prefix arn:aws:ssm:${region}:${accountId}:parameter/.`,
    );
  }
  return name;
}

/**
 * Syntax shared by reads and writes: allowed characters, a fully qualified
 * path (leading slash, no empty segment), at most 15 levels.
 */
export function checkNameSyntax(name: string): void {
  if (name.length === 0) throw ssmValidation(INVALID_NAME_MESSAGE);
  if (name.length > 2048) {
    throw ssmValidation(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
  }
  if (!NAME_CHARS.test(name)) throw ssmValidation(INVALID_NAME_MESSAGE);
  const segments = name.split('/');
  if (name.includes('/')) {
    if (!name.startsWith('/') || segments.slice(1).some((s) => s === '')) {
      throw ssmValidation('Parameter name must be a fully qualified name.');
    }
    if (segments.length - 1 > MAX_DEPTH) throw hierarchyLevelLimitExceeded();
  }
}

export interface ParsedReference {
  /** `/aws/reference/secretsmanager/<id>` without the selector. */
  path: string;
  secretId: string;
  selector?: string;
}

export interface ParsedName {
  /** The name as the caller wrote it, without selector (what `Name` echoes). */
  name: string;
  key: string;
  selector?: { version: number } | { label: string };
  /** The raw selector text, for the response's `Selector` (`:3`, `:prod`). */
  selectorText?: string;
}

/**
 * Parses a read address: a name or parameter ARN, optionally followed by
 * `:<version>` or `:<label>`. Returns undefined when it cannot name a parameter
 * in this region (foreign ARN, several selectors): the caller treats that as not found.
 */
export function parseReadName(input: string, region: string, accountId: string): ParsedName | undefined {
  let rest = input;
  if (input.startsWith('arn:')) {
    const parts = input.split(':');
    // arn:aws:ssm:<region>:<account>:parameter/<name>[:selector]
    if (parts.length < 6 || parts[2] !== 'ssm' || !parts[5].startsWith('parameter/')) return undefined;
    if (parts[3] !== region || parts[4] !== accountId) return undefined;
    const resource = parts.slice(5).join(':').slice('parameter'.length);
    // `parameter/foo` names `foo`; `parameter/a/b` names `/a/b`.
    rest = resource.indexOf('/', 1) > 0 ? resource : resource.slice(1);
  }
  const pieces = rest.split(':');
  if (pieces.length > 2) return undefined;
  const name = pieces[0];
  checkNameSyntax(name);
  const parsed: ParsedName = { name, key: canonicalKey(name) };
  if (pieces.length === 2) {
    const sel = pieces[1];
    if (sel === '') return undefined;
    parsed.selectorText = `:${sel}`;
    parsed.selector = /^\d+$/.test(sel) ? { version: Number(sel) } : { label: sel };
  }
  return parsed;
}

export function parseReference(input: string): ParsedReference | undefined {
  if (!input.startsWith(REFERENCE_PREFIX)) return undefined;
  const id = input.slice(REFERENCE_PREFIX.length);
  // A secret ARN carries six colons of its own; the selector is whatever follows the next one.
  const skip = id.startsWith('arn:') ? 6 : 0;
  let at = -1;
  let from = 0;
  for (let i = 0; i <= skip; i++) {
    at = id.indexOf(':', from);
    if (at < 0) break;
    from = at + 1;
  }
  if (at < 0) return { path: input, secretId: id };
  return { path: REFERENCE_PREFIX + id.slice(0, at), secretId: id.slice(0, at), selector: id.slice(at + 1) };
}

/** Validates and normalises a hierarchy path (`GetParametersByPath`, `Path` filters): no trailing slash except root. */
export function normalisePath(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (!trimmed.startsWith('/') || (trimmed !== '/' && !NAME_CHARS.test(trimmed)) || trimmed.includes('//')) {
    throw ssmValidation(
      'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.',
    );
  }
  if (trimmed.split('/').length - 1 > MAX_DEPTH) throw hierarchyLevelLimitExceeded();
  return trimmed;
}

/** Whether `key` lies under `path` (direct child only unless recursive). */
export function isUnderPath(key: string, path: string, recursive: boolean): boolean {
  const prefix = path === '/' ? '/' : `${path}/`;
  if (!key.startsWith(prefix) || key.length === prefix.length) return false;
  return recursive || !key.includes('/', prefix.length);
}

/**
 * Request URL → route. Query parameters are a strict allow-list per route:
 * anything else is a 400 naming the parameter, so a typo never silently reads
 * the wrong secret.
 */
import { RequestError } from './errors.js';

export type Route =
  | { kind: 'ping' }
  | { kind: 'metrics' }
  | { kind: 'secret'; secretId: string; versionId?: string; versionStage?: string; refreshNow: boolean }
  | { kind: 'parameter'; name: string; version?: string; label?: string; withDecryption: boolean; refreshNow: boolean };

export const SECRET_PATH = '/secretsmanager/get';
export const PARAMETER_PATH = '/systemsmanager/parameters/get';
/** The Secrets Manager Agent's path style: everything after it is the secret id. */
export const PATH_PREFIX = '/v1/';

const SECRET_PARAMS = ['secretId', 'versionId', 'versionStage', 'refreshNow'];
const PATH_STYLE_PARAMS = ['versionId', 'versionStage', 'refreshNow'];
const PARAMETER_PARAMS = ['name', 'version', 'label', 'withDecryption', 'refreshNow'];

export function parseRoute(rawUrl: string): Route {
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const search = q === -1 ? '' : rawUrl.slice(q + 1);

  if (path === '/ping') return { kind: 'ping' };
  if (path === '/metrics') return { kind: 'metrics' };
  if (path === SECRET_PATH || path === `${SECRET_PATH}/`) {
    const params = readQuery(search, SECRET_PARAMS);
    return {
      kind: 'secret',
      secretId: required(params, 'secretId'),
      versionId: optional(params, 'versionId'),
      versionStage: optional(params, 'versionStage'),
      refreshNow: flag(params, 'refreshNow'),
    };
  }
  if (path === PARAMETER_PATH || path === `${PARAMETER_PATH}/`) {
    const params = readQuery(search, PARAMETER_PARAMS);
    const version = optional(params, 'version');
    const label = optional(params, 'label');
    if (version !== undefined && label !== undefined) {
      throw new RequestError('InvalidParameterException', 'parameters version and label are mutually exclusive; send one of them', 400);
    }
    if (version !== undefined && !/^[1-9]\d{0,18}$/.test(version)) {
      throw new RequestError('InvalidParameterException', `parameter version must be a positive whole number, got '${version}'`, 400);
    }
    return {
      kind: 'parameter',
      name: required(params, 'name'),
      version,
      label,
      withDecryption: flag(params, 'withDecryption'),
      refreshNow: flag(params, 'refreshNow'),
    };
  }
  if (path.startsWith(PATH_PREFIX)) {
    const params = readQuery(search, PATH_STYLE_PARAMS);
    let secretId: string;
    try {
      secretId = decodeURIComponent(path.slice(PATH_PREFIX.length));
    } catch {
      throw new RequestError('InvalidParameterException', 'secret id in the path is not valid percent-encoding', 400);
    }
    if (!secretId) throw new RequestError('MissingParameterException', `missing secret id after ${PATH_PREFIX}`, 400);
    return {
      kind: 'secret',
      secretId,
      versionId: optional(params, 'versionId'),
      versionStage: optional(params, 'versionStage'),
      refreshNow: flag(params, 'refreshNow'),
    };
  }
  throw new RequestError(
    'NotFoundException',
    `unknown path ${path.slice(0, 200)}; routes: ${SECRET_PATH}, ${PARAMETER_PATH}, ${PATH_PREFIX}<secretId>, /ping, /metrics`,
    404,
  );
}

function readQuery(search: string, allowed: string[]): Map<string, string> {
  const params = new Map<string, string>();
  if (!search) return params;
  let parsed: URLSearchParams;
  try {
    parsed = new URLSearchParams(search);
  } catch {
    throw new RequestError('InvalidParameterException', 'query string is not valid percent-encoding', 400);
  }
  for (const [key, value] of parsed) {
    if (!allowed.includes(key)) {
      throw new RequestError(
        'InvalidParameterException',
        `unknown query parameter: ${key.slice(0, 100)} (allowed: ${allowed.join(', ')})`,
        400,
      );
    }
    if (params.has(key)) throw new RequestError('InvalidParameterException', `query parameter ${key} given more than once`, 400);
    params.set(key, value);
  }
  return params;
}

function required(params: Map<string, string>, name: string): string {
  const value = params.get(name);
  if (!value) throw new RequestError('MissingParameterException', `missing required query parameter ${name}`, 400);
  return value;
}

function optional(params: Map<string, string>, name: string): string | undefined {
  const value = params.get(name);
  if (value === '') throw new RequestError('InvalidParameterException', `query parameter ${name} must not be empty`, 400);
  return value;
}

function flag(params: Map<string, string>, name: string): boolean {
  const value = params.get(name);
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new RequestError('InvalidParameterException', `query parameter ${name} must be true or false, got '${value.slice(0, 100)}'`, 400);
}

/**
 * Request URL → route. Query parameters are a strict allow-list per route:
 * anything else is a 400 naming the parameter, so a typo never silently reads
 * the wrong secret.
 */
import { RequestError } from './errors.js';
import { hasReferenceFields, parseSecretReference } from './secret-reference.js';

export type Route =
  | { kind: 'ping' }
  | { kind: 'metrics' }
  | { kind: 'secret'; secretId: string; versionId?: string; versionStage?: string; jsonKey?: string; refreshNow: boolean }
  | {
      kind: 'parameter';
      name: string;
      version?: string;
      label?: string;
      withDecryption: boolean;
      jsonKey?: string;
      refreshNow: boolean;
    }
  | { kind: 'batchSecrets'; secretIds: string[] }
  | { kind: 'batchParameters'; names: string[]; withDecryption: boolean };

export const SECRET_PATH = '/secretsmanager/get';
export const PARAMETER_PATH = '/systemsmanager/parameters/get';
/** The Secrets Manager Agent's path style: everything after it is the secret id. */
export const PATH_PREFIX = '/v1/';
export const BATCH_SECRETS_PATH = '/secretsmanager/batchget';
export const BATCH_PARAMETERS_PATH = '/systemsmanager/parameters/getparameters';
/** BatchGetSecretValue takes at most 20 ids, GetParameters at most 10 names. */
export const MAX_BATCH_SECRETS = 20;
export const MAX_BATCH_PARAMETERS = 10;
/** Where the SDK-shaped endpoint (AWS JSON 1.1, POST) answers: `/` and the paths AWS's Cloud Extensions use. */
export const SDK_PATHS: ReadonlySet<string> = new Set(['/', '/secretsmanager', '/parameterstore']);
/** Parameter names under this prefix are Secrets Manager references (where `jsonKey` applies). */
export const REFERENCE_PREFIX = '/aws/reference/secretsmanager/';

const SECRET_PARAMS = ['secretId', 'versionId', 'versionStage', 'jsonKey', 'refreshNow'];
const PATH_STYLE_PARAMS = ['versionId', 'versionStage', 'jsonKey', 'refreshNow'];
const PARAMETER_PARAMS = ['name', 'version', 'label', 'withDecryption', 'jsonKey', 'refreshNow'];

export function parseRoute(rawUrl: string): Route {
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const search = q === -1 ? '' : rawUrl.slice(q + 1);

  if (path === '/ping') return { kind: 'ping' };
  if (path === '/metrics') return { kind: 'metrics' };
  if (path === SECRET_PATH || path === `${SECRET_PATH}/`) {
    const params = readQuery(search, SECRET_PARAMS);
    return secretRoute(required(params, 'secretId'), params);
  }
  if (path === BATCH_SECRETS_PATH || path === `${BATCH_SECRETS_PATH}/`) {
    const params = readMultiQuery(search, ['secretId']);
    return { kind: 'batchSecrets', secretIds: listOf(params, 'secretId', MAX_BATCH_SECRETS) };
  }
  if (path === BATCH_PARAMETERS_PATH || path === `${BATCH_PARAMETERS_PATH}/`) {
    const params = readMultiQuery(search, ['names', 'withDecryption']);
    const decrypt = params.get('withDecryption') ?? [];
    if (decrypt.length > 1) throw new RequestError('InvalidParameterException', 'query parameter withDecryption given more than once', 400);
    return {
      kind: 'batchParameters',
      names: listOf(params, 'names', MAX_BATCH_PARAMETERS),
      withDecryption: flag(new Map(decrypt.map((v) => ['withDecryption', v])), 'withDecryption'),
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
    const name = required(params, 'name');
    const jsonKey = optional(params, 'jsonKey');
    if (jsonKey !== undefined && !name.startsWith(REFERENCE_PREFIX)) {
      throw new RequestError(
        'InvalidParameterException',
        `jsonKey applies only to Secrets Manager references (names starting with ${REFERENCE_PREFIX})`,
        400,
      );
    }
    return {
      kind: 'parameter',
      name,
      version,
      label,
      withDecryption: flag(params, 'withDecryption'),
      ...(jsonKey !== undefined && { jsonKey }),
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
    return secretRoute(secretId, params);
  }
  throw new RequestError(
    'NotFoundException',
    `unknown path ${path.slice(0, 200)}; routes: ${SECRET_PATH}, ${PARAMETER_PATH}, ${PATH_PREFIX}<secretId>, ${BATCH_SECRETS_PATH}, ${BATCH_PARAMETERS_PATH}, /ping, /metrics`,
    404,
  );
}

/** A secret route from its id (a name, an ARN or an ECS-style reference) and query; a selector given twice must agree. */
function secretRoute(id: string, params: Map<string, string>): Route {
  const ref = hasReferenceFields(id) ? parseSecretReference(id) : { secretId: id };
  const pick = (name: 'versionId' | 'versionStage' | 'jsonKey') => {
    const fromQuery = optional(params, name);
    const fromId = ref[name];
    if (fromQuery !== undefined && fromId !== undefined && fromQuery !== fromId) {
      throw new RequestError(
        'InvalidParameterException',
        `${name} is given both in the secret reference and as a query parameter, with different values`,
        400,
      );
    }
    return fromQuery ?? fromId;
  };
  const versionId = pick('versionId');
  const versionStage = pick('versionStage');
  const jsonKey = pick('jsonKey');
  return {
    kind: 'secret',
    secretId: ref.secretId,
    versionId,
    versionStage,
    ...(jsonKey !== undefined && { jsonKey }),
    refreshNow: flag(params, 'refreshNow'),
  };
}

/** Like readQuery, but each allowed parameter may repeat (batch routes). */
function readMultiQuery(search: string, allowed: string[]): Map<string, string[]> {
  const params = new Map<string, string[]>();
  if (!search) return params;
  for (const [key, value] of new URLSearchParams(search)) {
    if (!allowed.includes(key)) {
      throw new RequestError(
        'InvalidParameterException',
        `unknown query parameter: ${key.slice(0, 100)} (allowed: ${allowed.join(', ')})`,
        400,
      );
    }
    const values = params.get(key) ?? [];
    values.push(value);
    params.set(key, values);
  }
  return params;
}

/** The values of a repeated parameter: at least one, at most `max`, none empty; duplicates are asked for once. */
function listOf(params: Map<string, string[]>, name: string, max: number): string[] {
  const values = params.get(name) ?? [];
  if (values.length === 0)
    throw new RequestError('MissingParameterException', `missing required query parameter ${name} (repeat it for each item)`, 400);
  if (values.some((v) => v === '')) throw new RequestError('InvalidParameterException', `query parameter ${name} must not be empty`, 400);
  const unique = [...new Set(values)];
  if (unique.length > max) {
    throw new RequestError('InvalidParameterException', `at most ${max} ${name} per request, got ${unique.length}`, 400);
  }
  return unique;
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

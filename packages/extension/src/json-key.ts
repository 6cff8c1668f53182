/**
 * `jsonKey`: one top-level key of a JSON secret, answered in the route's usual
 * shape with only that key's value in place of the whole secret (a string as
 * is, any other JSON value as its JSON text). Errors name the key and the
 * secret, never anything the secret holds.
 *
 * Results are remembered per cached body (a WeakMap keyed by the body Buffer):
 * a hit costs one lookup, and a refreshed body is a new Buffer, so a
 * projection never outlives the value it came from.
 */
import { RequestError } from './errors.js';

const projections = new WeakMap<Buffer, Map<string, Buffer | RequestError>>();
/** Bounds the memo of one body when callers ask for many different keys. */
const MAX_KEYS_PER_BODY = 32;

/** The secret body (`/secretsmanager/get` shape) with `SecretString` narrowed to `key`. */
export function selectSecretKey(body: Buffer, key: string): Buffer {
  return memo(body, key, () => {
    const parsed = JSON.parse(body.toString('utf8')) as { Name?: string | null; SecretString?: string | null };
    parsed.SecretString = select(parsed.SecretString, key, parsed.Name ?? 'the secret');
    return Buffer.from(JSON.stringify(parsed));
  });
}

/** The parameter body (`/systemsmanager/parameters/get` shape, a Secrets Manager reference) with `Value` narrowed to `key`. */
export function selectParameterKey(body: Buffer, key: string): Buffer {
  return memo(body, key, () => {
    const parsed = JSON.parse(body.toString('utf8')) as { Parameter: { Name?: string | null; Value?: string | null } };
    parsed.Parameter.Value = select(parsed.Parameter.Value, key, parsed.Parameter.Name ?? 'the secret');
    return Buffer.from(JSON.stringify(parsed));
  });
}

/** The value of `key` in the JSON object `text`, as a string; throws JsonKeyNotFound (404) or SecretNotJson (400). */
export function select(text: string | null | undefined, key: string, secretName: string): string {
  const shownKey = key.length > 100 ? `${key.slice(0, 100)}…` : key;
  if (typeof text !== 'string') {
    throw new RequestError(
      'SecretNotJson',
      `jsonKey needs a secret whose SecretString is a JSON object; ${secretName} has no SecretString (binary)`,
      400,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RequestError('SecretNotJson', `jsonKey needs a secret whose SecretString is a JSON object; ${secretName} is not`, 400);
  }
  if (!Object.hasOwn(value, key)) {
    throw new RequestError('JsonKeyNotFound', `key '${shownKey}' not found in the JSON of ${secretName}`, 404);
  }
  const selected = (value as Record<string, unknown>)[key];
  return typeof selected === 'string' ? selected : JSON.stringify(selected);
}

function memo(body: Buffer, key: string, project: () => Buffer): Buffer {
  let byKey = projections.get(body);
  if (!byKey) {
    byKey = new Map();
    projections.set(body, byKey);
  }
  let result = byKey.get(key);
  if (result === undefined) {
    try {
      result = project();
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      result = e;
    }
    if (byKey.size < MAX_KEYS_PER_BODY) byKey.set(key, result);
  }
  if (result instanceof RequestError) throw result;
  return result;
}

/**
 * `jsonKey` in SDK mode: one top-level key of a JSON secret, selected after GetSecretValue with the same
 * rules and error codes as the extension's `jsonKey=` (a string as is, any other JSON value as its JSON text).
 * Errors name the key and the secret, never anything the secret holds.
 */

/** Thrown (as the `cause` of a GetParameterError) with `code` `JsonKeyNotFound` or `SecretNotJson`. */
export class JsonKeyError extends Error {
  constructor(
    readonly code: 'JsonKeyNotFound' | 'SecretNotJson',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export function selectJsonKey(secretString: string | undefined, key: string, secretName: string): string {
  let value: unknown;
  try {
    value = typeof secretString === 'string' ? JSON.parse(secretString) : undefined;
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JsonKeyError('SecretNotJson', `jsonKey needs a secret whose SecretString is a JSON object; ${secretName} is not`);
  }
  if (!Object.hasOwn(value, key))
    throw new JsonKeyError('JsonKeyNotFound', `key '${key.slice(0, 100)}' not found in the JSON of ${secretName}`);
  const selected = (value as Record<string, unknown>)[key];
  return typeof selected === 'string' ? selected : JSON.stringify(selected);
}

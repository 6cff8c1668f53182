/**
 * From an API answer to the string a reference stands for. Every error here
 * names the reference and the key, never any part of the value: JSON.parse's
 * own messages quote the input, so they are never passed on.
 */
import type { Ref, SecretRef } from './refs.js';

/** Why a reference did not resolve. `missing` = it does not exist (not found, no such key or version). */
export class ResolveError extends Error {
  constructor(
    readonly ref: Ref,
    readonly code: string,
    message: string,
    readonly missing: boolean,
  ) {
    super(message);
    this.name = code;
  }
}

/** The text of a GetSecretValue answer: SecretString, else SecretBinary as the base64 text the API sends. */
export function secretText(ref: SecretRef, output: { SecretString?: unknown; SecretBinary?: unknown }): string {
  if (typeof output.SecretString === 'string') return output.SecretString;
  if (typeof output.SecretBinary === 'string') return output.SecretBinary;
  throw new ResolveError(ref, 'InvalidResponse', `secret '${ref.secretId}': the answer holds neither SecretString nor SecretBinary`, false);
}

/**
 * The value a secret reference stands for: the whole text, or with a JSON key
 * that key's value (a string as is, any other JSON value as its JSON text,
 * as ECS and the extension's `jsonKey` do).
 */
export function secretValue(ref: SecretRef, text: string): string {
  if (ref.jsonKey === undefined) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ResolveError(
      ref,
      'InvalidJsonSecret',
      `secret '${ref.secretId}' is not a JSON object, so it has no key '${ref.jsonKey}'`,
      false,
    );
  }
  if (!Object.hasOwn(parsed, ref.jsonKey)) {
    throw new ResolveError(ref, 'JsonKeyNotFound', `secret '${ref.secretId}' has no JSON key '${ref.jsonKey}'`, true);
  }
  const value = (parsed as Record<string, unknown>)[ref.jsonKey];
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Error codes of the two APIs (and of the extension, which passes them on) that mean "does not exist". */
export const NOT_FOUND_CODES = new Set([
  'ResourceNotFoundException',
  'ParameterNotFound',
  'ParameterVersionNotFound',
  'ParameterVersionLabelNotFound',
  'JsonKeyNotFound',
]);

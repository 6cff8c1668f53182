import { createHash } from 'node:crypto';
import { invalidNextToken } from './errors.js';

/**
 * Opaque NextTokens: base64url JSON holding where the previous page stopped and
 * a fingerprint of the request it belongs to, so a token replayed against a
 * different request (other path, filters, parameter) is InvalidNextToken.
 */
export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodeToken(request: string, after: string | number): string {
  return Buffer.from(JSON.stringify({ r: request, a: after })).toString('base64url');
}

export function decodeToken<T extends string | number>(
  token: string | undefined,
  request: string,
  kind: 'string' | 'number',
): T | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { r?: unknown; a?: unknown };
    if (parsed.r === request && typeof parsed.a === kind) return parsed.a as T;
  } catch {
    // falls through to the error
  }
  throw invalidNextToken();
}

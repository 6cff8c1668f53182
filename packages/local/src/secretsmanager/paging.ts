import { invalidNextToken } from './errors.js';

/**
 * Opaque NextToken: base64url of `{o: offset, s: scope}`. The scope ties a
 * token to the listing that issued it, so a ListSecrets token fed to
 * ListSecretVersionIds (or to another secret) is InvalidNextTokenException.
 */
export function encodeToken(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: scope })).toString('base64url');
}

export function decodeToken(token: string | undefined, scope: string): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; s?: unknown };
    if (Number.isInteger(parsed.o) && (parsed.o as number) >= 0 && parsed.s === scope) return parsed.o as number;
  } catch {
    // falls through to the error below
  }
  throw invalidNextToken();
}

/** One page of `items` from the token's offset; NextToken only when more remain. */
export function page<T>(items: T[], maxResults: number, token: string | undefined, scope: string): { items: T[]; nextToken?: string } {
  const start = decodeToken(token, scope);
  const end = start + maxResults;
  return { items: items.slice(start, end), nextToken: end < items.length ? encodeToken(end, scope) : undefined };
}

/** Options and argument checks shared by every provider, whatever the transport. */

export interface CacheOptions {
  /** Most values kept in this provider's cache (least recently used evicted first). Default 1000. */
  cacheSize?: number;
}

/** Names and paths are non-empty strings; anything else is a caller bug, reported before any request. */
export function assertName(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${what} must be a non-empty string`);
}

/**
 * The value cache each provider owns: bounded LRU with a per-entry TTL, plus single-flight loading.
 *
 * Invariants (kept by the methods below):
 * - at most `maxEntries` values are held; inserting one more evicts the least recently *used* entry
 *   (a hit moves an entry to the young end: `Map` iteration order is the recency order);
 * - an expired entry is never returned, and is dropped when seen;
 * - `maxAge <= 0` stores nothing (and drops an older value under the same key);
 * - at most one load per key is in flight: concurrent misses share it, and its failure is never cached;
 * - a value loaded before `clear()` is not stored after it.
 */
export const DEFAULT_CACHE_SIZE = 1000;

interface Entry {
  value: unknown;
  expiresAt: number;
}

export interface LoadOptions {
  /** Seconds to keep the loaded value; `<= 0` keeps nothing. */
  maxAge: number;
  /** Skip the cached value and any load in flight; the fresh value replaces the cached one. */
  forceFetch?: boolean;
}

export class ValueCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private generation = 0;

  constructor(readonly maxEntries: number = DEFAULT_CACHE_SIZE) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new TypeError(`cache size must be a whole number >= 0, got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live value under `key` (marking it recently used), or `undefined`. */
  lookup(key: string): { value: unknown } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { value: entry.value };
  }

  store(key: string, value: unknown, maxAgeSeconds: number): void {
    this.entries.delete(key);
    if (!(maxAgeSeconds > 0) || this.maxEntries === 0) return;
    this.entries.set(key, { value, expiresAt: Date.now() + maxAgeSeconds * 1000 });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Drops every entry whose key starts with `prefix` (e.g. all cached forms of one name). */
  deletePrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
    for (const key of [...this.inflight.keys()]) if (key.startsWith(prefix)) this.inflight.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.inflight.clear();
  }

  /**
   * Returns the cached value, else joins the load in flight for `key`, else runs `load` once and caches what
   * it resolves to (`undefined`/`null` are never cached).
   */
  async load<T>(key: string, options: LoadOptions, load: () => Promise<T>): Promise<T> {
    if (!options.forceFetch) {
      const hit = this.lookup(key);
      if (hit) return hit.value as T;
      const pending = this.inflight.get(key);
      if (pending) return pending as Promise<T>;
    }
    const generation = this.generation;
    const run = async (): Promise<T> => {
      try {
        const value = await Promise.resolve().then(load); // always async: `promise` is set before `finally` runs
        if (value !== undefined && value !== null && generation === this.generation) this.store(key, value, options.maxAge);
        return value;
      } finally {
        if (this.inflight.get(key) === promise) this.inflight.delete(key);
      }
    };
    const promise = run();
    this.inflight.set(key, promise);
    return promise;
  }
}

/** Cache key parts joined with a separator that cannot occur in AWS names. */
export function cacheKey(...parts: Array<string | boolean | undefined>): string {
  let key = '';
  for (let i = 0; i < parts.length; i++) key += (i ? '\u0000' : '') + (parts[i] === undefined ? '' : String(parts[i]));
  return key;
}

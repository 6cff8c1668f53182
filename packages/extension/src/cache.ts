/**
 * One response cache shared by both services: a true LRU (by access), a TTL
 * per entry (set per service), single-flight fetching and stale-if-error.
 *
 * Invariants (each kept by the code right next to where it is written):
 *  I1. `entries.size <= maxEntries` at all times: `store` evicts the least
 *      recently used entry before inserting a new key.
 *  I2. Map iteration order is least recently used first: every hit and every
 *      store deletes and re-inserts its key, so the first key is always the
 *      one to evict.
 *  I3. Only values fetched successfully are stored; an error is never cached
 *      (a failed fetch leaves the previous entry, if any, untouched).
 *  I4. At most one fetch per key is in flight: concurrent callers join the
 *      pending promise (also when nothing is cached, i.e. TTL 0 or size 0).
 *  I5. A stale entry is served only when the fetch failed transiently and the
 *      entry was fetched less than `maxStaleMs` ago.
 *  I6. Refresh-ahead: a hit in the last tenth of an entry's TTL starts one
 *      background fetch (joined with any in flight, I4), so a hot key is
 *      renewed before it expires and its readers never wait. The hit itself
 *      answers from the cache; a failed background fetch changes nothing.
 *
 *  I7. A fetch is handed the value it replaces (if any is still held), so it
 *      may revalidate instead of refetching, and may bound the new entry's
 *      life with `notAfter` (an entry never outlives it; see lookup.ts).
 *
 * Expiry is checked against the clock on every read, never by timers, so it
 * stays right across Lambda freeze/thaw.
 */
import { isTransient } from './errors.js';

export type CacheStatus = 'hit' | 'miss' | 'stale' | 'refresh';

interface Entry {
  value: Buffer;
  fetchedAt: number;
  expiresAt: number;
  /** When a hit starts a background refresh (I6). */
  refreshAt: number;
}

export interface CacheOptions {
  /** 0 disables storing (single-flight still applies). */
  maxEntries: number;
  /** How long after fetching an entry may still be served when the upstream fails transiently. */
  maxStaleMs: number;
  now?: () => number;
}

/** What a fetch may return instead of a bare value: the value and the latest time it may be served as fresh (I7). */
export interface Fetched {
  value: Buffer;
  notAfter?: number;
}

/** Produces a key's value; `previous` is the value being replaced, if still held (I7). */
export type Fetch = (previous?: Buffer) => Promise<Buffer | Fetched>;

export interface CacheResult {
  value: Buffer;
  status: CacheStatus;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Buffer>>();
  private readonly now: () => number;
  /** The key at the most recent end of `entries` (I2), so a repeated hit on it needs no re-insertion. */
  private newest: string | undefined;
  /** Entries dropped to make room (I1). */
  evictions = 0;
  /** Background refreshes started by hits near expiry (I6). */
  refreshAheads = 0;

  constructor(private readonly options: CacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The value for `key`: from the cache while younger than `ttlMs`, else from
   * `fetch` (joined with any fetch already in flight for the key). `ttlMs` 0
   * means "do not cache this service". `refreshNow` skips the cached value and
   * replaces it with a fresh one.
   */
  async get(key: string, ttlMs: number, fetch: Fetch, refreshNow = false): Promise<CacheResult> {
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && !refreshNow && now < cached.expiresAt) {
      this.touch(key, cached); // I2
      if (now >= cached.refreshAt && !this.inflight.has(key)) {
        this.refreshAheads++; // I6
        this.singleFlight(key, ttlMs, fetch).catch(() => {});
      }
      return { value: cached.value, status: 'hit' };
    }
    try {
      const value = await this.singleFlight(key, ttlMs, fetch);
      return { value, status: refreshNow ? 'refresh' : 'miss' };
    } catch (e) {
      // I5: re-read, the entry may have been evicted while we waited.
      const fallback = this.entries.get(key);
      if (fallback && isTransient(e) && this.now() - fallback.fetchedAt < this.options.maxStaleMs) {
        this.touch(key, fallback);
        return { value: fallback.value, status: 'stale' };
      }
      if (fallback && this.now() - fallback.fetchedAt >= this.options.maxStaleMs && this.now() >= fallback.expiresAt) {
        this.remove(key); // too old to ever be served again
      }
      throw e;
    }
  }

  /**
   * The synchronous hit path: the value if cached, fresh and not yet due for
   * refresh-ahead (the same rules as a hit in `get`, which handles every other case).
   */
  peek(key: string): Buffer | undefined {
    const cached = this.entries.get(key);
    if (!cached || this.now() >= cached.refreshAt) return undefined;
    this.touch(key, cached); // I2
    return cached.value;
  }

  /** Stores a value fetched outside `get` (prefetch). */
  put(key: string, value: Buffer, ttlMs: number): void {
    this.store(key, value, ttlMs);
  }

  /** Shortens a fresh entry's life to end at `at` (epoch ms) when that is sooner than its TTL (I7). */
  limitExpiry(key: string, at: number): void {
    const entry = this.entries.get(key);
    if (!entry || at >= entry.expiresAt || at <= this.now()) return;
    entry.expiresAt = at;
    entry.refreshAt = Math.min(entry.refreshAt, at);
  }

  clear(): void {
    this.entries.clear();
    this.newest = undefined;
  }

  private singleFlight(key: string, ttlMs: number, fetch: Fetch): Promise<Buffer> {
    const pending = this.inflight.get(key); // I4
    if (pending) return pending;
    const promise = fetch(this.entries.get(key)?.value) // I7
      .then((fetched) => {
        const { value, notAfter } = Buffer.isBuffer(fetched) ? { value: fetched, notAfter: undefined } : fetched;
        this.store(key, value, ttlMs); // I3: only on success
        if (notAfter !== undefined) this.limitExpiry(key, notAfter);
        return value;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  private store(key: string, value: Buffer, ttlMs: number): void {
    if (ttlMs <= 0 || this.options.maxEntries <= 0) return;
    const now = this.now();
    this.entries.delete(key); // I2: re-insert at the most recent end
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string; // I1
      this.remove(oldest);
      this.evictions++;
    }
    this.entries.set(key, { value, fetchedAt: now, expiresAt: now + ttlMs, refreshAt: now + ttlMs - ttlMs / 10 });
    this.newest = key;
  }

  private remove(key: string): void {
    this.entries.delete(key);
    if (this.newest === key) this.newest = undefined;
  }

  /** I2: moves `key` to the most recent end; nothing to do when it is already there (a hot key hit again). */
  private touch(key: string, entry: Entry): void {
    if (this.newest === key) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.newest = key;
  }
}

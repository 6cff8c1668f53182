/**
 * Optional negative caching (PARASOL_NEGATIVE_TTL_SECONDS, off by default):
 * a "does not exist" answer is remembered for that long, so a function that
 * keeps asking for a missing name costs one upstream call per TTL instead of
 * one per request. Only not-found codes are remembered, never another error;
 * refreshNow skips and clears the entry. Bounded: the oldest goes first.
 */
import { ExtensionError } from './errors.js';

const NOT_FOUND = new Set(['ResourceNotFoundException', 'ParameterNotFound', 'ParameterVersionNotFound']);

export class NegativeCache {
  private readonly entries = new Map<string, { error: ExtensionError; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** The remembered not-found error for `key`, if still fresh. */
  get(key: string): ExtensionError | undefined {
    if (this.ttlMs <= 0) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() < entry.expiresAt) return entry.error;
    this.entries.delete(key);
    return undefined;
  }

  /** Remembers `error` when it says the item does not exist; passes it on either way. */
  remember(key: string, error: unknown): never {
    if (this.ttlMs > 0 && error instanceof ExtensionError && NOT_FOUND.has(error.code)) {
      this.entries.delete(key);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, { error, expiresAt: Date.now() + this.ttlMs });
    }
    throw error;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

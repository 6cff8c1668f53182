/**
 * Change detection without a second plaintext copy: between polls only an
 * HMAC-SHA256 of each value is kept, under a random key made for this process
 * and never written anywhere. A plain hash of a low-entropy value (a PIN, a
 * short password) could be reversed by guessing; a keyed one cannot without
 * the key, which dies with the process.
 */
import { createHmac, randomBytes } from 'node:crypto';

export class Fingerprinter {
  private readonly key = randomBytes(32);

  /** The keyed hash of one value (hex). */
  of(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
  }

  /** One keyed hash per name, for a set of named values. */
  ofAll(values: ReadonlyMap<string, string>): Map<string, string> {
    return new Map([...values].map(([name, value]) => [name, this.of(value)]));
  }
}

/** Names whose fingerprint differs, appeared or disappeared between two sets (names only: safe to log). */
export function changedNames(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}

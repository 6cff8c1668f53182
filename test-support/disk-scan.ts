/**
 * Test support: finds which files under a directory hold a byte string, so a
 * "no plaintext on disk" test covers every file the service wrote (database,
 * WAL, journal, anything new), not a list of names that may go stale.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (recursively) whose bytes contain `needle` as UTF-8 or UTF-16LE. */
export function filesContaining(dir: string, needle: string | Buffer): string[] {
  const forms = typeof needle === 'string' ? [Buffer.from(needle), Buffer.from(needle, 'utf16le')] : [needle];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesContaining(path, needle));
    else if (entry.isFile()) {
      const bytes = readFileSync(path);
      if (forms.some((f) => bytes.includes(f))) found.push(path);
    }
  }
  return found.sort();
}

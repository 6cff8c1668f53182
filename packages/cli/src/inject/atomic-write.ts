/**
 * Replaces a file so that a reader sees the old content or the new, never a
 * mix, and nobody else can read it at any moment: the data goes to a new
 * file in the same directory, created exclusively with mode 0600 (so the
 * umask can only narrow it), is flushed to disk, gets its final mode, and is
 * renamed over the target (atomic within one file system); then the
 * directory entry is flushed too. On any failure the temporary file is
 * removed and the target is left as it was.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: string | Buffer, mode: number): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  let renamed = false;
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
    renamed = true;
    await syncDirectory(dir);
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
}

/** fsync of the directory, so the rename itself survives a crash (not possible on every platform: ignored there). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // some file systems refuse fsync on a directory
  } finally {
    await handle.close();
  }
}

/** `0600`, `600`, `0o640` → a mode of permission bits only. */
export function parseMode(text: string): number {
  const digits = text.replace(/^0o/, '');
  if (!/^[0-7]{3,4}$/.test(digits)) throw new Error(`--mode must be octal permission bits such as 0600, got '${text.slice(0, 20)}'`);
  const mode = Number.parseInt(digits, 8);
  if (mode > 0o777) throw new Error(`--mode ${text}: only permission bits (at most 0777)`);
  return mode;
}

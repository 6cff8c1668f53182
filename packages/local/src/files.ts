/** Owner-only files, and names that survive a crash. */
import { closeSync, existsSync, fchmodSync, fsyncSync, openSync, statSync } from 'node:fs';

/**
 * Creates `file` empty with mode 0600, or tightens an existing one to 0600. The
 * mode is given to open(2), so the file never exists with a wider one (the
 * umask can only narrow it). `syncDir` is fsynced when the file is new, so its
 * directory entry survives a crash along with the data SQLite syncs into it.
 */
export function createPrivateFile(file: string, syncDir?: string): void {
  const isNew = !existsSync(file);
  const fd = openSync(file, 'a', 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
  if (isNew && syncDir) syncDirectory(syncDir);
}

/** fsync of a directory: makes the names created in it durable. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Undefined when only the owner can use `dataDir`; otherwise its mode and the
 * command that fixes it (the files in it are 0600, but names and sizes show,
 * and a directory writable by others lets them replace files).
 */
export function dataDirExposure(dataDir: string): { mode: string; fix: string } | undefined {
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  return { mode: `0${mode.toString(8)}`, fix: `chmod 700 ${dataDir}` };
}

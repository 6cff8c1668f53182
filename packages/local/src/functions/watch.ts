import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../logger.js';
import { FunctionRegistry } from './registry.js';

/** Editors write a file in several steps (truncate, write, rename): wait for quiet before reading it. */
const SETTLE_MS = 150;

/**
 * Re-reads the functions file when it changes, so a running `parasol serve`
 * picks up new or edited entries. The directory is watched, not the file:
 * editors that save by rename replace the file's inode. A good edit replaces
 * the mapping (then `onReload` runs, e.g. to retire warm function processes);
 * a bad one keeps the previous mapping and says why.
 */
export function watchFunctionsFile(registry: FunctionRegistry, file: string, log: Logger, onReload: () => void): { close(): void } {
  const path = resolve(file);
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    timer = undefined;
    try {
      const next = FunctionRegistry.fromFile(file);
      registry.replaceWith(next);
      onReload();
      log.info('functions file reloaded', { file, entries: next.size });
    } catch (e) {
      log.warn('functions file not reloaded; the previous mapping stays in use', { file, error: (e as Error).message });
    }
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(reload, SETTLE_MS);
      timer.unref();
    });
    watcher.on('error', (e) => log.warn('functions file no longer watched', { file, error: e.message }));
  } catch (e) {
    log.warn('functions file not watched: changes need a restart', { file, error: (e as Error).message });
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}

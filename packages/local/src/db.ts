import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Opens the store. On disk: WAL with synchronous=FULL, so an acknowledged
 * write survives `kill -9` and power loss; `:memory:` for `--in-memory`.
 */
export function openDatabase(dataDir: string | undefined): Db {
  let db: Db;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    db = new Database(join(dataDir, 'parasol.db'));
    db.pragma('journal_mode = WAL');
  } else {
    db = new Database(':memory:');
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { createPrivateFile } from './files.js';

export type Db = Database.Database;

/**
 * Opens the store. On disk: WAL with synchronous=FULL, so an acknowledged
 * write survives `kill -9` and power loss; `:memory:` for `--in-memory`.
 *
 * The on-disk store is opened with an exclusive lock held for the process's
 * life: one `parasol serve` owns a data directory (a second one fails to start
 * with "database is locked" instead of sharing it), and SQLite skips the
 * per-transaction file-lock system calls and the shared-memory WAL index —
 * measured ~10% more GetSecretValue/s on this machine, where syscalls are dear.
 *
 * Files are private to the owner: `parasol.db` is created 0600 by us, empty,
 * before SQLite opens it, so no byte is ever written while it is readable by
 * others; SQLite gives the `-wal`, `-shm` and `-journal` files the main file's
 * mode. Files left by an older version are tightened to 0600 before opening.
 */
export function openDatabase(dataDir: string | undefined): Db {
  let db: Db;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, 'parasol.db');
    try {
      createPrivateFile(file, dataDir);
      for (const suffix of ['-wal', '-shm', '-journal']) {
        if (existsSync(file + suffix)) createPrivateFile(file + suffix);
      }
      db = new Database(file);
    } catch (e) {
      throw cannotOpen(file, e);
    }
    db.pragma('locking_mode = EXCLUSIVE');
    try {
      db.pragma('journal_mode = WAL');
      // Opens the write-ahead log now, so a WAL that cannot be created is reported here, naming the file.
      db.exec('BEGIN IMMEDIATE; COMMIT;');
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY') {
        throw new Error(`${dataDir} is in use by another parasol process (its database is locked)`);
      }
      throw cannotOpen(file, e);
    }
  } else {
    db = new Database(':memory:');
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 1000');
  return db;
}

const statements = new WeakMap<Db, Map<string, Statement>>();

/**
 * The prepared statement for `text` on `db`, prepared once per database and
 * reused: both stores prepare their SQL through this (GetSecretValue and
 * GetParameter are the hot paths).
 */
export function statement(db: Db, text: string): Statement {
  let byText = statements.get(db);
  if (!byText) {
    byText = new Map();
    statements.set(db, byText);
  }
  let stmt = byText.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    byText.set(text, stmt);
  }
  return stmt;
}

/** SQLite's "unable to open database file" names no file: say which, and what to check. */
function cannotOpen(file: string, e: unknown): Error {
  const why = e instanceof Error ? e.message : String(e);
  return new Error(`cannot open the database ${file}: ${why} (is it a file, and is its directory writable?)`);
}

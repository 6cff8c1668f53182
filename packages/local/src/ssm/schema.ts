import type { Db } from '../db.js';

/**
 * Parameter Store tables. A parameter is one row in `ssm_parameters` (its
 * canonical key, display name, latest version, expiry) plus one row per kept
 * version in `ssm_versions`; labels and tags hang off the parameter and go
 * with it (ON DELETE CASCADE). Every row is scoped by region: regions are
 * separate namespaces, as on AWS.
 *
 * Values: String/StringList in `value`; SecureString only ever as
 * `sealed` (AES-256-GCM ciphertext), never plaintext.
 */
export function createTables(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ssm_parameters (
      region     TEXT NOT NULL,
      key        TEXT NOT NULL,
      name       TEXT NOT NULL,
      version    INTEGER NOT NULL,
      expires_at INTEGER,
      PRIMARY KEY (region, key)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ssm_versions (
      region          TEXT NOT NULL,
      key             TEXT NOT NULL,
      version         INTEGER NOT NULL,
      type            TEXT NOT NULL,
      value           TEXT,
      sealed          BLOB,
      key_id          TEXT,
      description     TEXT,
      allowed_pattern TEXT,
      tier            TEXT NOT NULL,
      policies        TEXT,
      data_type       TEXT NOT NULL,
      modified_at     INTEGER NOT NULL,
      modified_by     TEXT NOT NULL,
      PRIMARY KEY (region, key, version),
      FOREIGN KEY (region, key) REFERENCES ssm_parameters (region, key) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ssm_labels (
      region  TEXT NOT NULL,
      key     TEXT NOT NULL,
      label   TEXT NOT NULL,
      version INTEGER NOT NULL,
      PRIMARY KEY (region, key, label),
      FOREIGN KEY (region, key) REFERENCES ssm_parameters (region, key) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ssm_tags (
      region    TEXT NOT NULL,
      key       TEXT NOT NULL,
      tag_key   TEXT NOT NULL,
      tag_value TEXT NOT NULL,
      PRIMARY KEY (region, key, tag_key),
      FOREIGN KEY (region, key) REFERENCES ssm_parameters (region, key) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS ssm_parameters_expiry ON ssm_parameters (expires_at) WHERE expires_at IS NOT NULL;
  `);
}

export function dropRows(db: Db): void {
  db.exec('DELETE FROM ssm_tags; DELETE FROM ssm_labels; DELETE FROM ssm_versions; DELETE FROM ssm_parameters;');
}

import { type Db, statement as sql } from '../db.js';

/**
 * The Parameter Store tables and every SQL statement that touches them, in the
 * same style as the Secrets Manager store: functions taking the database first,
 * statements prepared once per database (`db.ts`), JSON columns decoded here.
 * Every read takes `now` and hides parameters whose Expiration policy has
 * passed, so an expired parameter is gone even before the sweeper deletes it.
 *
 * Tables. A parameter is one row in `ssm_parameters` (its
 * canonical key, display name, latest version, expiry) plus one row per kept
 * version in `ssm_versions`; labels and tags hang off the parameter and go
 * with it (ON DELETE CASCADE). Every row is scoped by region: regions are
 * separate namespaces, as on AWS.
 *
 * Values: String/StringList in `value`; SecureString only ever as
 * `sealed` (AES-256-GCM ciphertext), never plaintext.
 */
const SCHEMA = `
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
`;

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type Tier = 'Standard' | 'Advanced';

export interface ParameterRow {
  region: string;
  key: string;
  name: string;
  version: number;
  expires_at: number | null;
}

export interface VersionRow {
  version: number;
  type: ParameterType;
  value: string | null;
  sealed: Buffer | null;
  key_id: string | null;
  description: string | null;
  allowed_pattern: string | null;
  tier: Tier;
  /** The policy texts as given (a JSON array in the column); null = none. */
  policies: string[] | null;
  data_type: string;
  modified_at: number;
  modified_by: string;
}

/** A parameter joined with one of its versions (usually the latest). */
export type ParameterVersion = ParameterRow & VersionRow;

export type NewVersion = Omit<VersionRow, 'version'>;

const JOIN = `SELECT p.region, p.key, p.name, p.expires_at, v.* FROM ssm_parameters p
  JOIN ssm_versions v ON v.region = p.region AND v.key = p.key`;
const LIVE = '(p.expires_at IS NULL OR p.expires_at > @now)';

type Stored<T extends { policies: string[] | null }> = Omit<T, 'policies'> & { policies: string | null };
/** Decodes the JSON column of a version row. */
function decode<T extends { policies: string[] | null }>(row: Stored<T> | undefined): T | undefined {
  return row && ({ ...row, policies: row.policies === null ? null : (JSON.parse(row.policies) as string[]) } as T);
}
const encodePolicies = (policies: string[] | null) => (policies === null ? null : JSON.stringify(policies));

export function initSchema(db: Db): void {
  db.exec(SCHEMA);
}

export function resetStore(db: Db): void {
  db.exec('DELETE FROM ssm_tags; DELETE FROM ssm_labels; DELETE FROM ssm_versions; DELETE FROM ssm_parameters;');
}

// ---- parameters and versions ------------------------------------------------

/** The parameter row, ignoring expired ones. */
export function find(db: Db, region: string, key: string, now: number): ParameterRow | undefined {
  return sql(db, `SELECT * FROM ssm_parameters p WHERE region = @region AND key = @key AND ${LIVE}`).get({ region, key, now }) as
    | ParameterRow
    | undefined;
}

/** Deletes the parameter if its expiration passed; true when it did (writes call this first). */
export function purgeIfExpired(db: Db, region: string, key: string, now: number): boolean {
  const row = sql(db, 'SELECT * FROM ssm_parameters WHERE region = @region AND key = @key').get({ region, key }) as
    | ParameterRow
    | undefined;
  if (row?.expires_at != null && row.expires_at <= now) {
    remove(db, region, key);
    return true;
  }
  return false;
}

export function latest(db: Db, region: string, key: string, now: number): ParameterVersion | undefined {
  return decode<ParameterVersion>(
    sql(db, `${JOIN} AND v.version = p.version WHERE p.region = @region AND p.key = @key AND ${LIVE}`).get({ region, key, now }) as
      | Stored<ParameterVersion>
      | undefined,
  );
}

export function atVersion(db: Db, region: string, key: string, version: number, now: number): ParameterVersion | undefined {
  return decode<ParameterVersion>(
    sql(db, `${JOIN} AND v.version = @version WHERE p.region = @region AND p.key = @key AND ${LIVE}`).get({ region, key, version, now }) as
      | Stored<ParameterVersion>
      | undefined,
  );
}

function insertVersion(db: Db, region: string, key: string, versionNumber: number, version: NewVersion): void {
  sql(
    db,
    `INSERT INTO ssm_versions (region, key, version, type, value, sealed, key_id, description, allowed_pattern, tier,
      policies, data_type, modified_at, modified_by) VALUES (@region, @key, @version, @type, @value, @sealed, @key_id, @description,
      @allowed_pattern, @tier, @policies, @data_type, @modified_at, @modified_by)`,
  ).run({ region, key, version: versionNumber, ...version, policies: encodePolicies(version.policies) });
}

export function create(db: Db, region: string, key: string, name: string, expiresAt: number | null, version: NewVersion): void {
  sql(db, 'INSERT INTO ssm_parameters (region, key, name, version, expires_at) VALUES (@region, @key, @name, @version, @expires_at)').run({
    region,
    key,
    name,
    version: 1,
    expires_at: expiresAt,
  });
  insertVersion(db, region, key, 1, version);
}

export function addVersion(
  db: Db,
  region: string,
  key: string,
  versionNumber: number,
  expiresAt: number | null,
  version: NewVersion,
): void {
  insertVersion(db, region, key, versionNumber, version);
  sql(db, 'UPDATE ssm_parameters SET version = @version, expires_at = @expires_at WHERE region = @region AND key = @key').run({
    region,
    key,
    version: versionNumber,
    expires_at: expiresAt,
  });
}

export function versionStats(db: Db, region: string, key: string): { n: number; oldest: number } {
  return sql(db, 'SELECT count(*) AS n, min(version) AS oldest FROM ssm_versions WHERE region = @region AND key = @key').get({
    region,
    key,
  }) as { n: number; oldest: number };
}

export function deleteVersion(db: Db, region: string, key: string, version: number): void {
  sql(db, 'DELETE FROM ssm_versions WHERE region = @region AND key = @key AND version = @version').run({ region, key, version });
}

/** Deletes a parameter; its versions, labels and tags go with it. */
export function remove(db: Db, region: string, key: string): void {
  sql(db, 'DELETE FROM ssm_parameters WHERE region = @region AND key = @key').run({ region, key });
}

export function countTier(db: Db, region: string, tier: Tier, now: number): number {
  return (
    sql(
      db,
      `SELECT count(*) AS n FROM ssm_parameters p JOIN ssm_versions v ON v.region = p.region AND v.key = p.key
        AND v.version = p.version WHERE p.region = @region AND v.tier = @tier AND ${LIVE}`,
    ).get({ region, tier, now }) as { n: number }
  ).n;
}

export function history(db: Db, region: string, key: string, afterVersion: number, limit: number): VersionRow[] {
  const rows = sql(
    db,
    'SELECT * FROM ssm_versions WHERE region = @region AND key = @key AND version > @after ORDER BY version LIMIT @limit',
  ).all({ region, key, after: afterVersion, limit }) as Stored<VersionRow>[];
  return rows.map((r) => decode<VersionRow>(r) as VersionRow);
}

/**
 * Latest versions of live parameters with keys in [from, to) after `after`,
 * in key order: the unit that listing operations page through.
 */
export function page(
  db: Db,
  region: string,
  range: { from: string; to: string },
  after: string,
  limit: number,
  now: number,
): ParameterVersion[] {
  const rows = sql(
    db,
    `${JOIN} AND v.version = p.version WHERE p.region = @region AND p.key > @after AND p.key >= @from AND p.key < @to
      AND ${LIVE} ORDER BY p.key LIMIT @limit`,
  ).all({ region, from: range.from, to: range.to, after, limit, now }) as Stored<ParameterVersion>[];
  return rows.map((r) => decode<ParameterVersion>(r) as ParameterVersion);
}

export function expired(db: Db, now: number): Array<{ region: string; key: string }> {
  return sql(db, 'SELECT region, key FROM ssm_parameters WHERE expires_at IS NOT NULL AND expires_at <= @now').all({ now }) as Array<{
    region: string;
    key: string;
  }>;
}

// ---- labels -------------------------------------------------------------------

export function versionOfLabel(db: Db, region: string, key: string, label: string): number | undefined {
  return (
    sql(db, 'SELECT version FROM ssm_labels WHERE region = @region AND key = @key AND label = @label').get({ region, key, label }) as
      | { version: number }
      | undefined
  )?.version;
}

/** label → version for one parameter. */
export function labels(db: Db, region: string, key: string): Map<string, number> {
  const rows = sql(db, 'SELECT label, version FROM ssm_labels WHERE region = @region AND key = @key ORDER BY label').all({
    region,
    key,
  }) as Array<{ label: string; version: number }>;
  return new Map(rows.map((r) => [r.label, r.version]));
}

export function labelsOf(db: Db, region: string, key: string, version: number): string[] {
  return (
    sql(db, 'SELECT label FROM ssm_labels WHERE region = @region AND key = @key AND version = @version ORDER BY label').all({
      region,
      key,
      version,
    }) as Array<{ label: string }>
  ).map((r) => r.label);
}

/** Attaches `label` to `version`, moving it off any other version of the parameter. */
export function putLabel(db: Db, region: string, key: string, label: string, version: number): void {
  sql(
    db,
    `INSERT INTO ssm_labels (region, key, label, version) VALUES (@region, @key, @label, @version)
      ON CONFLICT (region, key, label) DO UPDATE SET version = excluded.version`,
  ).run({ region, key, label, version });
}

export function removeLabel(db: Db, region: string, key: string, label: string, version: number): boolean {
  return (
    sql(db, 'DELETE FROM ssm_labels WHERE region = @region AND key = @key AND label = @label AND version = @version').run({
      region,
      key,
      label,
      version,
    }).changes > 0
  );
}

// ---- tags ---------------------------------------------------------------------

export function tags(db: Db, region: string, key: string): Array<{ Key: string; Value: string }> {
  return sql(db, 'SELECT tag_key AS Key, tag_value AS Value FROM ssm_tags WHERE region = @region AND key = @key ORDER BY tag_key').all({
    region,
    key,
  }) as Array<{ Key: string; Value: string }>;
}

export function tagCount(db: Db, region: string, key: string): number {
  return (sql(db, 'SELECT count(*) AS n FROM ssm_tags WHERE region = @region AND key = @key').get({ region, key }) as { n: number }).n;
}

export function putTag(db: Db, region: string, key: string, tagKey: string, tagValue: string): void {
  sql(
    db,
    `INSERT INTO ssm_tags (region, key, tag_key, tag_value) VALUES (@region, @key, @tag_key, @tag_value)
      ON CONFLICT (region, key, tag_key) DO UPDATE SET tag_value = excluded.tag_value`,
  ).run({ region, key, tag_key: tagKey, tag_value: tagValue });
}

export function deleteTag(db: Db, region: string, key: string, tagKey: string): void {
  sql(db, 'DELETE FROM ssm_tags WHERE region = @region AND key = @key AND tag_key = @tag_key').run({ region, key, tag_key: tagKey });
}

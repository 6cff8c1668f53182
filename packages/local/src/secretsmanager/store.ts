import { type Db, statement } from '../db.js';
import { notFound } from './errors.js';
import { ARN_SUFFIX_LENGTH, assertValidName, isArn, nameFromArn } from './names.js';
import type { RotationRulesInput } from './shapes.js';

/**
 * The Secrets Manager tables and every SQL statement that touches them.
 * Nothing here knows AWS semantics (label moves, idempotency): that lives in
 * `versions.ts` and the operations. All functions expect to run inside the
 * caller's transaction (the server wraps each operation in one).
 *
 * Store API for other modules (rotation, scheduler): `findSecret`,
 * `requireSecret`, `listAllSecrets`, `setRotationConfig`, plus
 * `versions.ts`: `createVersion`, `putValueIntoVersion`, `moveStage`.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sm_secrets (
  id INTEGER PRIMARY KEY,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  arn TEXT NOT NULL UNIQUE,
  description TEXT,
  kms_key_id TEXT,
  type TEXT,
  tags TEXT,
  created_ms INTEGER NOT NULL,
  last_changed_ms INTEGER NOT NULL,
  last_value_changed_ms INTEGER,
  last_accessed_ms INTEGER,
  deleted_ms INTEGER,
  deletion_due_ms INTEGER,
  resource_policy TEXT,
  rotation_enabled INTEGER,
  rotation_lambda_arn TEXT,
  rotation_rules TEXT,
  last_rotated_ms INTEGER,
  next_rotation_ms INTEGER,
  primary_region TEXT,
  replica_of TEXT,
  owning_service TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS sm_secrets_region_name ON sm_secrets(region, name);
CREATE INDEX IF NOT EXISTS sm_secrets_deletion_due ON sm_secrets(deletion_due_ms) WHERE deletion_due_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS sm_secrets_replica_of ON sm_secrets(replica_of) WHERE replica_of IS NOT NULL;
CREATE TABLE IF NOT EXISTS sm_versions (
  secret_id INTEGER NOT NULL REFERENCES sm_secrets(id) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_accessed_ms INTEGER,
  kms_key_id TEXT,
  value_kind TEXT CHECK (value_kind IN ('string', 'binary')),
  sealed BLOB,
  PRIMARY KEY (secret_id, version_id)
);
CREATE TABLE IF NOT EXISTS sm_labels (
  secret_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  version_id TEXT NOT NULL,
  PRIMARY KEY (secret_id, label),
  FOREIGN KEY (secret_id, version_id) REFERENCES sm_versions(secret_id, version_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS sm_labels_version ON sm_labels(secret_id, version_id);
`;

export interface SecretRow {
  id: number;
  region: string;
  name: string;
  arn: string;
  description: string | null;
  /** null = the default key `aws/secretsmanager`. */
  kms_key_id: string | null;
  type: string | null;
  /** null = tags never set (Describe omits `Tags`); `[]` after the last was removed. A JSON column. */
  tags: SecretTag[] | null;
  created_ms: number;
  last_changed_ms: number;
  /** Last time a value was written by PutSecretValue/UpdateSecret/rotation: rotation schedules count from it. */
  last_value_changed_ms: number | null;
  /** Midnight UTC of the last GetSecretValue day. */
  last_accessed_ms: number | null;
  /** When DeleteSecret was called (Describe `DeletedDate`); null = not scheduled. */
  deleted_ms: number | null;
  /** When the sweeper purges it. */
  deletion_due_ms: number | null;
  resource_policy: string | null;
  /** null = rotation never configured (Describe omits `RotationEnabled`); 0/1 otherwise. */
  rotation_enabled: number | null;
  rotation_lambda_arn: string | null;
  /** RotationRules as the caller gave them. A JSON column. */
  rotation_rules: RotationRulesInput | null;
  last_rotated_ms: number | null;
  next_rotation_ms: number | null;
  /** Set on a primary with replicas (its own region) and on replicas (the primary's region). */
  primary_region: string | null;
  /** ARN of the primary when this row is a replica. */
  replica_of: string | null;
  owning_service: string | null;
}

export interface VersionRow {
  secret_id: number;
  version_id: string;
  created_ms: number;
  last_accessed_ms: number | null;
  /** Key the value was sealed with; null = default key. */
  kms_key_id: string | null;
  /** null = a version without a value (rotation's AWSPENDING before createSecret). */
  value_kind: 'string' | 'binary' | null;
  sealed: Buffer | null;
}

export type NewSecret = Omit<SecretRow, 'id'>;

export interface SecretTag {
  Key: string;
  Value: string;
}

/** A secret row as SQLite holds it: the JSON columns still text. */
type StoredSecret = Omit<SecretRow, 'tags' | 'rotation_rules'> & { tags: string | null; rotation_rules: string | null };

/** Decodes the JSON columns of a row read from `sm_secrets`. */
function decode(row: unknown): SecretRow {
  const r = row as StoredSecret;
  return {
    ...r,
    tags: r.tags === null ? null : (JSON.parse(r.tags) as SecretTag[]),
    rotation_rules: r.rotation_rules === null ? null : (JSON.parse(r.rotation_rules) as RotationRulesInput),
  };
}
const decodeOne = (row: unknown): SecretRow | undefined => (row === undefined ? undefined : decode(row));
const decodeAll = (rows: unknown[]): SecretRow[] => rows.map(decode);

/** Encodes the JSON columns of (part of) a row about to be written. */
function encode<T extends Partial<SecretRow>>(row: T): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  if (row.tags !== undefined) out.tags = row.tags === null ? null : JSON.stringify(row.tags);
  if (row.rotation_rules !== undefined) out.rotation_rules = row.rotation_rules === null ? null : JSON.stringify(row.rotation_rules);
  return out;
}

const sql = statement;

export function initSchema(db: Db): void {
  db.exec(SCHEMA);
}

export function resetStore(db: Db): void {
  db.exec('DELETE FROM sm_labels; DELETE FROM sm_versions; DELETE FROM sm_secrets;');
}

// ---- secrets ---------------------------------------------------------------

/**
 * Finds a secret by name, full ARN or partial ARN (ARN without the `-XXXXXX`
 * suffix) in one region's namespace. A non-ARN id must be a valid name
 * (AWS's ValidationException otherwise).
 */
export function findSecret(db: Db, region: string, secretId: string): SecretRow | undefined {
  if (!isArn(secretId)) {
    assertValidName(secretId);
    return decodeOne(sql(db, 'SELECT * FROM sm_secrets WHERE region = ? AND name = ?').get(region, secretId));
  }
  const exact = decodeOne(sql(db, 'SELECT * FROM sm_secrets WHERE arn = ? AND region = ?').get(secretId, region));
  if (exact) return exact;
  const name = nameFromArn(secretId);
  if (name === undefined) return undefined;
  const byName = decodeOne(sql(db, 'SELECT * FROM sm_secrets WHERE region = ? AND name = ?').get(region, name));
  if (byName && byName.arn.slice(0, -ARN_SUFFIX_LENGTH) === secretId) return byName;
  return undefined;
}

/** `findSecret` or AWS's ResourceNotFoundException. */
export function requireSecret(db: Db, region: string, secretId: string): SecretRow {
  const secret = findSecret(db, region, secretId);
  if (!secret) throw notFound();
  return secret;
}

export function secretByArn(db: Db, arn: string): SecretRow | undefined {
  return decodeOne(sql(db, 'SELECT * FROM sm_secrets WHERE arn = ?').get(arn));
}

export function secretByName(db: Db, region: string, name: string): SecretRow | undefined {
  return decodeOne(sql(db, 'SELECT * FROM sm_secrets WHERE region = ? AND name = ?').get(region, name));
}

const SECRET_COLUMNS = [
  'region',
  'name',
  'arn',
  'description',
  'kms_key_id',
  'type',
  'tags',
  'created_ms',
  'last_changed_ms',
  'last_value_changed_ms',
  'last_accessed_ms',
  'deleted_ms',
  'deletion_due_ms',
  'resource_policy',
  'rotation_enabled',
  'rotation_lambda_arn',
  'rotation_rules',
  'last_rotated_ms',
  'next_rotation_ms',
  'primary_region',
  'replica_of',
  'owning_service',
] as const satisfies readonly (keyof NewSecret)[];

export function insertSecret(db: Db, secret: NewSecret): SecretRow {
  const info = sql(
    db,
    `INSERT INTO sm_secrets (${SECRET_COLUMNS.join(', ')}) VALUES (${SECRET_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  ).run(encode(secret));
  return { ...secret, id: Number(info.lastInsertRowid) };
}

type Patch = Partial<Omit<SecretRow, 'id' | 'region' | 'arn'>>;

/** Writes the given columns; returns the updated row (the input object is not changed). */
export function updateSecret(db: Db, secret: SecretRow, patch: Patch): SecretRow {
  const keys = Object.keys(patch).filter((k) => (SECRET_COLUMNS as readonly string[]).includes(k));
  if (keys.length === 0) return secret;
  sql(db, `UPDATE sm_secrets SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...encode(patch), id: secret.id });
  return { ...secret, ...patch };
}

export function deleteSecret(db: Db, secretId: number): void {
  sql(db, 'DELETE FROM sm_secrets WHERE id = ?').run(secretId);
}

export function listSecretsInRegion(db: Db, region: string): SecretRow[] {
  return decodeAll(sql(db, 'SELECT * FROM sm_secrets WHERE region = ? ORDER BY created_ms, id').all(region));
}

/** Every secret of every region (for background schedulers). */
export function listAllSecrets(db: Db): SecretRow[] {
  return decodeAll(sql(db, 'SELECT * FROM sm_secrets ORDER BY region, created_ms, id').all());
}

export function secretsDueForPurge(db: Db, nowMs: number): SecretRow[] {
  return decodeAll(sql(db, 'SELECT * FROM sm_secrets WHERE deletion_due_ms IS NOT NULL AND deletion_due_ms <= ?').all(nowMs));
}

export function replicasOf(db: Db, primaryArn: string): SecretRow[] {
  return decodeAll(sql(db, 'SELECT * FROM sm_secrets WHERE replica_of = ? ORDER BY region').all(primaryArn));
}

/** Rotation configuration as DescribeSecret shows it; undefined fields are left unchanged. */
export interface RotationConfig {
  enabled?: boolean;
  lambdaArn?: string | null;
  /** The RotationRules object as given by the caller. */
  rules?: RotationRulesInput | null;
  lastRotatedMs?: number | null;
  nextRotationMs?: number | null;
}

export function setRotationConfig(db: Db, secret: SecretRow, config: RotationConfig): SecretRow {
  const patch: Patch = {};
  if (config.enabled !== undefined) patch.rotation_enabled = config.enabled ? 1 : 0;
  if (config.lambdaArn !== undefined) patch.rotation_lambda_arn = config.lambdaArn;
  if (config.rules !== undefined) patch.rotation_rules = config.rules;
  if (config.lastRotatedMs !== undefined) patch.last_rotated_ms = config.lastRotatedMs;
  if (config.nextRotationMs !== undefined) patch.next_rotation_ms = config.nextRotationMs;
  return updateSecret(db, secret, patch);
}

// ---- versions --------------------------------------------------------------

export function getVersion(db: Db, secretId: number, versionId: string): VersionRow | undefined {
  return sql(db, 'SELECT * FROM sm_versions WHERE secret_id = ? AND version_id = ?').get(secretId, versionId) as VersionRow | undefined;
}

/** The version carrying `label`, if any. */
export function versionWithLabel(db: Db, secretId: number, label: string): VersionRow | undefined {
  return sql(
    db,
    `SELECT v.* FROM sm_labels l JOIN sm_versions v ON v.secret_id = l.secret_id AND v.version_id = l.version_id
     WHERE l.secret_id = ? AND l.label = ?`,
  ).get(secretId, label) as VersionRow | undefined;
}

export function listVersions(db: Db, secretId: number): VersionRow[] {
  return sql(db, 'SELECT * FROM sm_versions WHERE secret_id = ? ORDER BY created_ms, rowid').all(secretId) as VersionRow[];
}

export function countVersions(db: Db, secretId: number): number {
  return (sql(db, 'SELECT count(*) AS n FROM sm_versions WHERE secret_id = ?').get(secretId) as { n: number }).n;
}

export function insertVersion(db: Db, version: VersionRow): void {
  sql(
    db,
    `INSERT INTO sm_versions (secret_id, version_id, created_ms, last_accessed_ms, kms_key_id, value_kind, sealed)
     VALUES (@secret_id, @version_id, @created_ms, @last_accessed_ms, @kms_key_id, @value_kind, @sealed)`,
  ).run(version);
}

export function setVersionValue(
  db: Db,
  secretId: number,
  versionId: string,
  value: { kind: 'string' | 'binary'; sealed: Buffer; kmsKeyId: string | null },
): void {
  sql(db, 'UPDATE sm_versions SET value_kind = ?, sealed = ?, kms_key_id = ? WHERE secret_id = ? AND version_id = ?').run(
    value.kind,
    value.sealed,
    value.kmsKeyId,
    secretId,
    versionId,
  );
}

/** Deletes every version of a secret (a replica before it is copied again). */
export function deleteVersions(db: Db, secretId: number): void {
  sql(db, 'DELETE FROM sm_versions WHERE secret_id = ?').run(secretId);
}

export function deleteVersion(db: Db, secretId: number, versionId: string): void {
  sql(db, 'DELETE FROM sm_versions WHERE secret_id = ? AND version_id = ?').run(secretId, versionId);
}

/** Deprecated (label-less) versions created before `beforeMs`, oldest first. */
export function deprecatedVersionsBefore(db: Db, secretId: number, beforeMs: number): VersionRow[] {
  return sql(
    db,
    `SELECT v.* FROM sm_versions v WHERE v.secret_id = ? AND v.created_ms < ?
       AND NOT EXISTS (SELECT 1 FROM sm_labels l WHERE l.secret_id = v.secret_id AND l.version_id = v.version_id)
     ORDER BY v.created_ms, v.rowid`,
  ).all(secretId, beforeMs) as VersionRow[];
}

export function touchSecretAccess(db: Db, secretId: number, dayMs: number): void {
  sql(db, 'UPDATE sm_secrets SET last_accessed_ms = ? WHERE id = ?').run(dayMs, secretId);
}

export function touchVersionAccess(db: Db, secretId: number, versionId: string, dayMs: number): void {
  sql(db, 'UPDATE sm_versions SET last_accessed_ms = ? WHERE secret_id = ? AND version_id = ?').run(dayMs, secretId, versionId);
}

// ---- staging labels --------------------------------------------------------

/** Labels of one version, in attach order. */
export function labelsOfVersion(db: Db, secretId: number, versionId: string): string[] {
  return (
    sql(db, 'SELECT label FROM sm_labels WHERE secret_id = ? AND version_id = ? ORDER BY rowid').all(secretId, versionId) as {
      label: string;
    }[]
  ).map((r) => r.label);
}

/** VersionId → labels for every labelled version of a secret. */
export function labelsBySecret(db: Db, secretId: number): Map<string, string[]> {
  const rows = sql(db, 'SELECT version_id, label FROM sm_labels WHERE secret_id = ? ORDER BY rowid').all(secretId) as {
    version_id: string;
    label: string;
  }[];
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.version_id);
    if (list) list.push(r.label);
    else out.set(r.version_id, [r.label]);
  }
  return out;
}

export function countLabels(db: Db, secretId: number): number {
  return (sql(db, 'SELECT count(*) AS n FROM sm_labels WHERE secret_id = ?').get(secretId) as { n: number }).n;
}

/** Puts `label` on `versionId`, taking it off whichever version had it. */
export function attachLabel(db: Db, secretId: number, label: string, versionId: string): void {
  sql(db, 'DELETE FROM sm_labels WHERE secret_id = ? AND label = ?').run(secretId, label);
  sql(db, 'INSERT INTO sm_labels (secret_id, label, version_id) VALUES (?, ?, ?)').run(secretId, label, versionId);
}

export function detachLabel(db: Db, secretId: number, label: string): void {
  sql(db, 'DELETE FROM sm_labels WHERE secret_id = ? AND label = ?').run(secretId, label);
}

import type { Vault } from '../crypto.js';
import type { Db } from '../db.js';
import type { ServiceContext } from '../module.js';
import { invalidParameter, limitExceeded } from './errors.js';
import {
  attachLabel,
  countLabels,
  countVersions,
  deleteVersion,
  deprecatedVersionsBefore,
  detachLabel,
  getVersion,
  insertVersion,
  labelsOfVersion,
  type SecretRow,
  setVersionValue,
  type VersionRow,
  versionWithLabel,
} from './store.js';

/**
 * Versions, values and staging labels with AWS's rules (AWS Secrets Manager API Reference):
 * sealing values to their secret and version, the AWSCURRENT → AWSPREVIOUS
 * hand-over, the 20-label quota and the 100-version cap with cleanup of
 * deprecated versions older than 24 hours. Runs inside the caller's transaction.
 */

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPREVIOUS = 'AWSPREVIOUS';
export const AWSPENDING = 'AWSPENDING';
export const DEFAULT_KMS_KEY = 'aws/secretsmanager';
const MAX_VERSIONS = 100;
const MAX_ATTACHED_LABELS = 20;
const CLEANUP_MIN_AGE_MS = 24 * 3600 * 1000;

/** A secret value in memory: `SecretString` as UTF-8 bytes, or `SecretBinary`'s bytes. */
export interface SecretValue {
  kind: 'string' | 'binary';
  bytes: Buffer;
}

/** AAD binding a sealed value to its secret and version: copying it elsewhere makes it unreadable. */
const sealContext = (arn: string, versionId: string) => `secretsmanager|${arn}|${versionId}`;

export function sealValue(vault: Vault, secret: SecretRow, versionId: string, value: SecretValue): Buffer {
  return vault.seal(value.bytes, secret.kms_key_id ?? DEFAULT_KMS_KEY, sealContext(secret.arn, versionId));
}

/** The version's value, or undefined for a valueless (pending) version. */
export function openValue(vault: Vault, secret: SecretRow, version: VersionRow): SecretValue | undefined {
  if (!version.sealed || !version.value_kind) return undefined;
  const bytes = vault.open(version.sealed, version.kms_key_id ?? DEFAULT_KMS_KEY, sealContext(secret.arn, version.version_id));
  return { kind: version.value_kind, bytes };
}

export const sameValue = (a: SecretValue | undefined, b: SecretValue | undefined) =>
  a !== undefined && b !== undefined && a.kind === b.kind && a.bytes.equals(b.bytes);

/** `SecretString` / `SecretBinary` (base64) members for a response. */
export function valueMembers(value: SecretValue): { SecretString: string } | { SecretBinary: string } {
  return value.kind === 'string' ? { SecretString: value.bytes.toString('utf8') } : { SecretBinary: value.bytes.toString('base64') };
}

/**
 * Gives `label` to `versionId` as PutSecretValue does: moving AWSCURRENT hands
 * AWSPREVIOUS to the version that had it (whoever held AWSPREVIOUS loses it).
 */
function giveLabel(db: Db, secret: SecretRow, label: string, versionId: string): void {
  const holder = versionWithLabel(db, secret.id, label);
  if (holder?.version_id === versionId) return;
  if (label === AWSCURRENT && holder) attachLabel(db, secret.id, AWSPREVIOUS, holder.version_id);
  attachLabel(db, secret.id, label, versionId);
}

export interface NewVersion {
  versionId: string;
  /** Absent for rotation's valueless AWSPENDING version. */
  value?: SecretValue;
  /** Labels to attach; undefined = PutSecretValue's default `[AWSCURRENT]`. */
  stages?: string[];
}

/**
 * Creates a version and moves labels onto it (Secrets Manager API Reference: PutSecretValue, UpdateSecretVersionStage). A secret
 * whose versions carry no AWSCURRENT gets it on its first valued version.
 * Returns the labels the new version now has.
 */
export function createVersion(ctx: ServiceContext, secret: SecretRow, version: NewVersion): string[] {
  const { db } = ctx;
  insertVersion(db, {
    secret_id: secret.id,
    version_id: version.versionId,
    created_ms: ctx.now,
    last_accessed_ms: null,
    kms_key_id: version.value ? secret.kms_key_id : null,
    value_kind: version.value?.kind ?? null,
    sealed: version.value ? sealValue(ctx.vault, secret, version.versionId, version.value) : null,
  });
  const stages = [...new Set(version.stages ?? [AWSCURRENT])];
  if (version.value && !stages.includes(AWSCURRENT) && !versionWithLabel(db, secret.id, AWSCURRENT)) stages.unshift(AWSCURRENT);
  // AWSCURRENT first, so an explicit AWSPREVIOUS in the same list wins over the hand-over.
  stages.sort((a, b) => Number(b === AWSCURRENT) - Number(a === AWSCURRENT));
  for (const label of stages) giveLabel(db, secret, label, version.versionId);
  enforceLabelQuota(db, secret);
  enforceVersionCap(ctx, secret);
  return labelsOfVersion(db, secret.id, version.versionId);
}

/**
 * Stores a value in an existing valueless version (rotation's createSecret
 * step calls PutSecretValue with the AWSPENDING version's id), then attaches
 * `stages` if given. Returns the version's labels.
 */
export function putValueIntoVersion(
  ctx: ServiceContext,
  secret: SecretRow,
  versionId: string,
  value: SecretValue,
  stages?: string[],
): string[] {
  setVersionValue(ctx.db, secret.id, versionId, {
    kind: value.kind,
    sealed: sealValue(ctx.vault, secret, versionId, value),
    kmsKeyId: secret.kms_key_id,
  });
  for (const label of stages ?? []) giveLabel(ctx.db, secret, label, versionId);
  enforceLabelQuota(ctx.db, secret);
  return labelsOfVersion(ctx.db, secret.id, versionId);
}

/** Re-seals a version's value under the secret's current key (UpdateSecret with a new KmsKeyId). */
export function resealVersion(ctx: ServiceContext, before: SecretRow, after: SecretRow, version: VersionRow): void {
  const value = openValue(ctx.vault, before, version);
  if (!value) return;
  setVersionValue(ctx.db, after.id, version.version_id, {
    kind: value.kind,
    sealed: sealValue(ctx.vault, after, version.version_id, value),
    kmsKeyId: after.kms_key_id,
  });
}

export interface StageMove {
  label: string;
  moveToVersionId?: string;
  removeFromVersionId?: string;
}

/**
 * UpdateSecretVersionStage semantics (Secrets Manager API Reference: PutSecretValue, UpdateSecretVersionStage): moves `label` from
 * `removeFromVersionId` to `moveToVersionId` (either may be absent). Moving
 * AWSCURRENT gives AWSPREVIOUS to the old holder and leaves AWSPENDING where it is.
 */
export function moveStage(ctx: ServiceContext, secret: SecretRow, move: StageMove): void {
  const { db } = ctx;
  const { label, moveToVersionId: to, removeFromVersionId: from } = move;
  if (to !== undefined && !getVersion(db, secret.id, to)) throw invalidParameter(`Not a valid version: ${to}`);
  if (from !== undefined && !getVersion(db, secret.id, from)) throw invalidParameter(`Not a valid version: ${from}`);
  const holder = versionWithLabel(db, secret.id, label)?.version_id;
  if (from !== undefined && holder !== from) {
    throw invalidParameter(`Version stage ${label} not found in version ${from}`);
  }
  if (to === undefined) {
    if (from === undefined) throw invalidParameter('You must specify MoveToVersionId or RemoveFromVersionId.');
    detachLabel(db, secret.id, label);
    return;
  }
  if (holder === to) return;
  if (holder !== undefined && from === undefined) {
    throw invalidParameter(
      `The parameter RemoveFromVersionId can't be empty. Staging label ${label} is currently attached to version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
  }
  giveLabel(db, secret, label, to);
  enforceLabelQuota(db, secret);
}

function enforceLabelQuota(db: Db, secret: SecretRow): void {
  if (countLabels(db, secret.id) > MAX_ATTACHED_LABELS) {
    throw limitExceeded(`A secret can have at most ${MAX_ATTACHED_LABELS} staging labels attached across all of its versions.`);
  }
}

/**
 * Over 100 versions, AWS removes deprecated (label-less) versions, never ones
 * younger than 24 hours; if that is not enough the write fails.
 */
function enforceVersionCap(ctx: ServiceContext, secret: SecretRow): void {
  let count = countVersions(ctx.db, secret.id);
  if (count <= MAX_VERSIONS) return;
  for (const v of deprecatedVersionsBefore(ctx.db, secret.id, ctx.now - CLEANUP_MIN_AGE_MS)) {
    deleteVersion(ctx.db, secret.id, v.version_id);
    if (--count <= MAX_VERSIONS) return;
  }
  throw limitExceeded(
    `You can't create more than ${MAX_VERSIONS} versions of a secret. Deprecated versions are removed only when they are more than 24 hours old.`,
  );
}

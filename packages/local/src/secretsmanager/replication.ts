import type { ServiceContext } from '../module.js';
import { invalidParameter } from './errors.js';
import { arnInRegion } from './names.js';
import type { ReplicaRegionInput } from './shapes.js';
import {
  attachLabel,
  deleteSecret,
  deleteVersions,
  insertSecret,
  insertVersion,
  labelsBySecret,
  listVersions,
  replicasOf,
  type SecretRow,
  secretByName,
  updateSecret,
} from './store.js';
import { openValue, sealValue } from './versions.js';

/**
 * Replicas live in their own region's namespace as ordinary rows marked with
 * `replica_of` (the primary ARN). Every change to a primary is copied to its
 * replicas in the same transaction (`syncReplicas`), values re-sealed under
 * the replica's key and ARN, so a replica reads exactly like the primary.
 */

/** Copies the primary's metadata, versions, values and labels onto `replica`. */
function copyInto(ctx: ServiceContext, primary: SecretRow, replica: SecretRow): SecretRow {
  const { db } = ctx;
  deleteVersions(db, replica.id);
  for (const version of listVersions(db, primary.id)) {
    const value = openValue(ctx.vault, primary, version);
    insertVersion(db, {
      ...version,
      secret_id: replica.id,
      last_accessed_ms: null,
      kms_key_id: value ? replica.kms_key_id : null,
      sealed: value ? sealValue(ctx.vault, replica, version.version_id, value) : null,
    });
  }
  for (const [versionId, labels] of labelsBySecret(db, primary.id)) {
    for (const label of labels) attachLabel(db, replica.id, label, versionId);
  }
  return updateSecret(db, replica, {
    description: primary.description,
    tags: primary.tags,
    type: primary.type,
    last_changed_ms: primary.last_changed_ms,
    last_value_changed_ms: primary.last_value_changed_ms,
    resource_policy: primary.resource_policy,
  });
}

/** Called after every change to a secret: keeps its replicas identical. */
export function syncReplicas(ctx: ServiceContext, primary: SecretRow): void {
  if (primary.replica_of !== null || primary.primary_region === null) return;
  for (const replica of replicasOf(ctx.db, primary.arn)) copyInto(ctx, primary, replica);
}

/** Creates replicas of `primary` in the given regions; returns their ReplicationStatus entries. */
export function replicateTo(ctx: ServiceContext, primary: SecretRow, regions: ReplicaRegionInput[], forceOverwrite: boolean) {
  const { db } = ctx;
  const statuses: Record<string, unknown>[] = [];
  for (const { Region: region, KmsKeyId: kmsKeyId } of regions) {
    if (!region) throw invalidParameter('Each replica region must have a Region.');
    if (region === primary.region) throw invalidParameter(`Invalid replica region: ${region} is the primary secret's region.`);
    const existing = secretByName(db, region, primary.name);
    if (existing && existing.replica_of !== primary.arn) {
      if (!forceOverwrite) {
        statuses.push({
          Region: region,
          KmsKeyId: kmsKeyId || 'alias/aws/secretsmanager',
          Status: 'Failed',
          StatusMessage: `Replication failed: Secret name already exists in Region: ${region}.`,
        });
        continue;
      }
      deleteSecret(db, existing.id);
    }
    const base = existing && existing.replica_of === primary.arn ? existing : undefined;
    const replica =
      base ??
      insertSecret(db, {
        ...primary,
        region,
        arn: arnInRegion(primary.arn, region),
        kms_key_id: kmsKeyId || null,
        created_ms: ctx.now,
        last_accessed_ms: null,
        deleted_ms: null,
        deletion_due_ms: null,
        rotation_enabled: null,
        rotation_lambda_arn: null,
        rotation_rules: null,
        last_rotated_ms: null,
        next_rotation_ms: null,
        primary_region: primary.region,
        replica_of: primary.arn,
      });
    copyInto(ctx, primary, replica);
    statuses.push({
      Region: region,
      KmsKeyId: replica.kms_key_id ?? 'alias/aws/secretsmanager',
      Status: 'InSync',
      StatusMessage: 'Replication succeeded',
    });
  }
  if (replicasOf(db, primary.arn).length > 0) updateSecret(db, primary, { primary_region: primary.region });
  return statuses;
}

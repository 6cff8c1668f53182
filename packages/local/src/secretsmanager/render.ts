import { epochSeconds } from '../clock.js';
import type { Db } from '../db.js';
import { labelsBySecret, replicasOf, type SecretRow } from './store.js';

/**
 * Secret metadata as DescribeSecret and ListSecrets show it. AWS only returns
 * fields that have a value: no empty Description, no RotationEnabled before
 * rotation was ever configured, no Tags before tags were ever set (but `[]`
 * after all were removed), no VersionIdsToStages on a secret without versions.
 */
export function secretMetadata(db: Db, secret: SecretRow, versionsKey: 'VersionIdsToStages' | 'SecretVersionsToStages') {
  const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
  if (secret.type) out.Type = secret.type;
  if (secret.description) out.Description = secret.description;
  if (secret.kms_key_id) out.KmsKeyId = secret.kms_key_id;
  if (secret.rotation_enabled !== null) out.RotationEnabled = secret.rotation_enabled === 1;
  if (secret.rotation_lambda_arn) out.RotationLambdaARN = secret.rotation_lambda_arn;
  if (secret.rotation_rules) out.RotationRules = secret.rotation_rules;
  if (secret.last_rotated_ms !== null) out.LastRotatedDate = epochSeconds(secret.last_rotated_ms);
  out.LastChangedDate = epochSeconds(secret.last_changed_ms);
  if (secret.last_accessed_ms !== null) out.LastAccessedDate = epochSeconds(secret.last_accessed_ms);
  if (secret.deleted_ms !== null) out.DeletedDate = epochSeconds(secret.deleted_ms);
  if (secret.next_rotation_ms !== null && secret.rotation_enabled === 1) out.NextRotationDate = epochSeconds(secret.next_rotation_ms);
  if (secret.tags !== null) out.Tags = secret.tags;
  const stages = labelsBySecret(db, secret.id);
  if (stages.size > 0) out[versionsKey] = Object.fromEntries(stages);
  if (secret.owning_service) out.OwningService = secret.owning_service;
  out.CreatedDate = epochSeconds(secret.created_ms);
  if (secret.primary_region) out.PrimaryRegion = secret.primary_region;
  return out;
}

/** `ReplicationStatus` entries of a primary: one per replica region. */
export function replicationStatus(db: Db, primary: SecretRow) {
  return replicasOf(db, primary.arn).map((replica) => {
    const status: Record<string, unknown> = {
      Region: replica.region,
      KmsKeyId: replica.kms_key_id ?? 'alias/aws/secretsmanager',
      Status: 'InSync',
      StatusMessage: 'Replication succeeded',
    };
    if (replica.last_accessed_ms !== null) status.LastAccessedDate = epochSeconds(replica.last_accessed_ms);
    return status;
  });
}

export function describeSecret(db: Db, secret: SecretRow) {
  const out = secretMetadata(db, secret, 'VersionIdsToStages');
  if (secret.replica_of === null) {
    const replicas = replicationStatus(db, secret);
    if (replicas.length > 0) out.ReplicationStatus = replicas;
  }
  return out;
}

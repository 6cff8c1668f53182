import { epochSeconds } from '../clock.js';
import { DecryptionError } from '../crypto.js';
import { AwsError, constraintMessage } from '../errors.js';
import { operation, type ServiceContext } from '../module.js';
import type { Infer } from '../shape.js';
import {
  alreadyMarkedDeleted,
  bothValues,
  invalidParameter,
  invalidRequest,
  markedForDeletion,
  missingToken,
  nameScheduledForDeletion,
  notFound,
  noValueForStage,
  noValueForVersion,
  replicaNotPermitted,
  secretExists,
  stillHasReplicas,
  tokenInUse,
  valueRequired,
} from './errors.js';
import { assertValidName, dayStart, isArn, secretArn } from './names.js';
import { page } from './paging.js';
import { describeSecret } from './render.js';
import { replicateTo, syncReplicas } from './replication.js';
import { shapes, type Tag } from './shapes.js';
import {
  deleteSecret,
  findSecret,
  getVersion,
  insertSecret,
  labelsBySecret,
  labelsOfVersion,
  listVersions,
  replicasOf,
  requireSecret,
  type SecretRow,
  secretByName,
  touchSecretAccess,
  touchVersionAccess,
  updateSecret,
  type VersionRow,
  versionWithLabel,
} from './store.js';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  createVersion,
  moveStage,
  openValue,
  putValueIntoVersion,
  resealVersion,
  type SecretValue,
  sameValue,
  valueMembers,
} from './versions.js';

/**
 * The Secrets Manager operations on one secret (AWS Secrets Manager API Reference). Each
 * handler runs inside the one transaction the server opens per request, so a
 * thrown error leaves nothing written.
 */

const DAY_MS = 86_400_000;

/** The value members of CreateSecret, PutSecretValue and UpdateSecret. */
type ValueInput = Pick<Infer<typeof shapes.PutSecretValue>, 'SecretString' | 'SecretBinary'>;

function valueFromInput(input: ValueInput): SecretValue | undefined {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) throw bothValues();
  if (input.SecretString !== undefined) return { kind: 'string', bytes: Buffer.from(input.SecretString, 'utf8') };
  if (input.SecretBinary !== undefined) return { kind: 'binary', bytes: input.SecretBinary };
  return undefined;
}

/** A live (not scheduled for deletion) secret of the caller's region. */
function requireLive(ctx: ServiceContext, secretId: string): SecretRow {
  const secret = requireSecret(ctx.db, ctx.region, secretId);
  if (secret.deleted_ms !== null) throw markedForDeletion();
  return secret;
}

/** A live secret that may be changed here: replicas change only through their primary. */
function requireWritable(ctx: ServiceContext, secretId: string): SecretRow {
  const secret = requireLive(ctx, secretId);
  if (secret.replica_of !== null) throw replicaNotPermitted();
  return secret;
}

/** Tag lists need a Key on every entry (the model leaves both members optional). */
function checkTags(tags: Tag[] | undefined): { Key: string; Value: string }[] | undefined {
  if (!tags) return undefined;
  const missing = tags.flatMap((t, i) =>
    t.Key === undefined ? [{ value: 'null', path: `tags.${i + 1}.member.key`, constraint: 'Member must not be null' }] : [],
  );
  if (missing.length > 0) throw new AwsError('ValidationException', constraintMessage(missing));
  return tags.map((t) => ({ Key: t.Key as string, Value: t.Value ?? '' }));
}

function decrypt(ctx: ServiceContext, secret: SecretRow, version: VersionRow): SecretValue | undefined {
  try {
    return openValue(ctx.vault, secret, version);
  } catch (e) {
    if (e instanceof DecryptionError) {
      throw new AwsError('DecryptionFailure', "Secrets Manager can't decrypt the protected secret text using the provided KMS key.");
    }
    throw e;
  }
}

export type GetSecretValueInput = Infer<typeof shapes.GetSecretValue>;

/**
 * GetSecretValue: the hot path. Three indexed reads and one decryption;
 * LastAccessedDate (day resolution) is written only when the day changed.
 */
export function getSecretValue(ctx: ServiceContext, input: GetSecretValueInput) {
  const { db } = ctx;
  const secret = requireLive(ctx, input.SecretId);
  let version: VersionRow | undefined;
  let missing: () => AwsError;
  if (input.VersionId !== undefined) {
    const versionId = input.VersionId;
    version = getVersion(db, secret.id, versionId);
    missing = () => noValueForVersion(versionId);
    if (!version) throw missing();
  } else {
    const stage = input.VersionStage ?? AWSCURRENT;
    version = versionWithLabel(db, secret.id, stage);
    missing = () => noValueForStage(stage);
    if (!version) throw missing();
  }
  const stages = labelsOfVersion(db, secret.id, version.version_id);
  if (input.VersionId !== undefined && input.VersionStage !== undefined && !stages.includes(input.VersionStage)) {
    throw invalidRequest('You provided a VersionStage that is not associated to the provided VersionId.');
  }
  const value = decrypt(ctx, secret, version);
  if (!value) throw missing();
  const today = dayStart(ctx.now);
  if (secret.last_accessed_ms !== today) touchSecretAccess(db, secret.id, today);
  if (version.last_accessed_ms !== today) touchVersionAccess(db, secret.id, version.version_id, today);
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.version_id,
    ...valueMembers(value),
    VersionStages: stages,
    CreatedDate: epochSeconds(version.created_ms),
  };
}

export const secretOperations = {
  CreateSecret: operation(shapes.CreateSecret, (input, ctx) => {
    assertValidName(input.Name);
    const token = input.ClientRequestToken;
    if (token === undefined) throw missingToken();
    const value = valueFromInput(input);
    const tags = checkTags(input.Tags);
    const existing = secretByName(ctx.db, ctx.region, input.Name);
    if (existing) {
      if (existing.deleted_ms !== null) throw nameScheduledForDeletion();
      const version = getVersion(ctx.db, existing.id, token);
      if (version) {
        if (value && sameValue(decrypt(ctx, existing, version), value)) {
          return { ARN: existing.arn, Name: existing.name, VersionId: token };
        }
        throw tokenInUse(token, existing.arn);
      }
      throw secretExists(input.Name);
    }
    const secret = insertSecret(ctx.db, {
      region: ctx.region,
      name: input.Name,
      arn: secretArn(ctx.region, ctx.accountId, input.Name),
      description: input.Description ?? null,
      kms_key_id: input.KmsKeyId || null,
      type: input.Type || null,
      tags: tags ?? null,
      created_ms: ctx.now,
      last_changed_ms: ctx.now,
      last_value_changed_ms: value ? ctx.now : null,
      last_accessed_ms: null,
      deleted_ms: null,
      deletion_due_ms: null,
      resource_policy: null,
      rotation_enabled: null,
      rotation_lambda_arn: null,
      rotation_rules: null,
      last_rotated_ms: null,
      next_rotation_ms: null,
      primary_region: null,
      replica_of: null,
      owning_service: null,
    });
    const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
    if (value) {
      createVersion(ctx, secret, { versionId: token, value });
      out.VersionId = token;
    }
    if (input.AddReplicaRegions) {
      out.ReplicationStatus = replicateTo(ctx, secret, input.AddReplicaRegions, input.ForceOverwriteReplicaSecret === true);
    }
    return out;
  }),

  GetSecretValue: operation(shapes.GetSecretValue, (input, ctx) => getSecretValue(ctx, input)),

  DescribeSecret: operation(shapes.DescribeSecret, (input, ctx) => {
    return describeSecret(ctx.db, requireSecret(ctx.db, ctx.region, input.SecretId));
  }),

  PutSecretValue: operation(shapes.PutSecretValue, (input, ctx) => {
    const token = input.ClientRequestToken;
    if (token === undefined) throw missingToken();
    const value = valueFromInput(input);
    if (!value) throw valueRequired();
    let secret = requireWritable(ctx, input.SecretId);
    const existing = getVersion(ctx.db, secret.id, token);
    let stages: string[];
    if (existing) {
      const stored = decrypt(ctx, secret, existing);
      if (stored) {
        if (!sameValue(stored, value)) throw tokenInUse(token, secret.arn);
        // Same token, same value: a retry. Nothing changes.
        return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: labelsOfVersion(ctx.db, secret.id, token) };
      }
      stages = putValueIntoVersion(ctx, secret, token, value, input.VersionStages);
    } else {
      stages = createVersion(ctx, secret, { versionId: token, value, stages: input.VersionStages });
    }
    secret = updateSecret(ctx.db, secret, { last_changed_ms: ctx.now, last_value_changed_ms: ctx.now });
    syncReplicas(ctx, secret);
    return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: stages };
  }),

  UpdateSecret: operation(shapes.UpdateSecret, (input, ctx) => {
    const token = input.ClientRequestToken;
    if (token === undefined) throw missingToken();
    const value = valueFromInput(input);
    const before = requireWritable(ctx, input.SecretId);
    const patch: Partial<SecretRow> = { last_changed_ms: ctx.now };
    if (input.Description !== undefined) patch.description = input.Description;
    if (input.Type !== undefined) patch.type = input.Type || null;
    if (input.KmsKeyId !== undefined) patch.kms_key_id = input.KmsKeyId || null;
    let secret = updateSecret(ctx.db, before, patch);
    if (secret.kms_key_id !== before.kms_key_id) {
      // AWS re-encrypts the versions that carry the three AWS labels under the new key.
      for (const label of [AWSCURRENT, AWSPENDING, AWSPREVIOUS]) {
        const version = versionWithLabel(ctx.db, secret.id, label);
        if (version) resealVersion(ctx, before, secret, version);
      }
    }
    const out: Record<string, unknown> = { ARN: secret.arn, Name: secret.name };
    if (value) {
      const existing = getVersion(ctx.db, secret.id, token);
      if (existing) {
        if (!sameValue(decrypt(ctx, secret, existing), value)) throw tokenInUse(token, secret.arn);
      } else {
        createVersion(ctx, secret, { versionId: token, value });
        secret = updateSecret(ctx.db, secret, { last_value_changed_ms: ctx.now });
      }
      out.VersionId = token;
    }
    syncReplicas(ctx, secret);
    return out;
  }),

  UpdateSecretVersionStage: operation(shapes.UpdateSecretVersionStage, (input, ctx) => {
    let secret = requireWritable(ctx, input.SecretId);
    moveStage(ctx, secret, {
      label: input.VersionStage,
      moveToVersionId: input.MoveToVersionId,
      removeFromVersionId: input.RemoveFromVersionId,
    });
    secret = updateSecret(ctx.db, secret, { last_changed_ms: ctx.now });
    syncReplicas(ctx, secret);
    return { ARN: secret.arn, Name: secret.name };
  }),

  ListSecretVersionIds: operation(shapes.ListSecretVersionIds, (input, ctx) => {
    const secret = requireLive(ctx, input.SecretId);
    const stages = labelsBySecret(ctx.db, secret.id);
    const versions = listVersions(ctx.db, secret.id).filter((v) => input.IncludeDeprecated === true || stages.has(v.version_id));
    const { items, nextToken } = page(versions, input.MaxResults ?? 100, input.NextToken, `versions:${secret.arn}`);
    const out: Record<string, unknown> = {
      Versions: items.map((v) => {
        const entry: Record<string, unknown> = { VersionId: v.version_id };
        const labels = stages.get(v.version_id);
        if (labels) entry.VersionStages = labels;
        if (v.last_accessed_ms !== null) entry.LastAccessedDate = epochSeconds(v.last_accessed_ms);
        entry.CreatedDate = epochSeconds(v.created_ms);
        entry.KmsKeyIds = [v.kms_key_id ?? secret.kms_key_id ?? 'DefaultEncryptionKey'];
        return entry;
      }),
    };
    if (nextToken) out.NextToken = nextToken;
    out.ARN = secret.arn;
    out.Name = secret.name;
    return out;
  }),

  DeleteSecret: operation(shapes.DeleteSecret, (input, ctx) => {
    const force = input.ForceDeleteWithoutRecovery === true;
    const window = input.RecoveryWindowInDays;
    if (force && window !== undefined) {
      throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    if (window !== undefined && (window < 7 || window > 30)) {
      throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    const secret = findSecret(ctx.db, ctx.region, input.SecretId);
    if (!secret) {
      if (!force) throw notFound();
      // AWS answers a forced delete of a missing secret as if it existed.
      const arn = isArn(input.SecretId) ? input.SecretId : secretArn(ctx.region, ctx.accountId, input.SecretId);
      return { ARN: arn, Name: input.SecretId, DeletionDate: epochSeconds(ctx.now) };
    }
    if (secret.replica_of !== null) throw replicaNotPermitted();
    const replicas = replicasOf(ctx.db, secret.arn);
    if (replicas.length > 0)
      throw stillHasReplicas(
        secret.arn,
        replicas.sort((a, b) => a.id - b.id).map((r) => r.region),
      );
    if (force) {
      deleteSecret(ctx.db, secret.id);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(ctx.now) };
    }
    if (secret.deleted_ms !== null) throw alreadyMarkedDeleted();
    const due = ctx.now + (window ?? 30) * DAY_MS;
    updateSecret(ctx.db, secret, { deleted_ms: ctx.now, deletion_due_ms: due });
    return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(due) };
  }),

  RestoreSecret: operation(shapes.RestoreSecret, (input, ctx) => {
    const secret = requireSecret(ctx.db, ctx.region, input.SecretId);
    if (secret.replica_of !== null) throw replicaNotPermitted();
    if (secret.deleted_ms !== null) updateSecret(ctx.db, secret, { deleted_ms: null, deletion_due_ms: null, last_changed_ms: ctx.now });
    return { ARN: secret.arn, Name: secret.name };
  }),

  TagResource: operation(shapes.TagResource, (input, ctx) => {
    const tags = checkTags(input.Tags) ?? [];
    const secret = requireWritable(ctx, input.SecretId);
    const merged = new Map<string, string>((secret.tags ?? []).map((t) => [t.Key, t.Value]));
    for (const t of tags) merged.set(t.Key, t.Value);
    if (merged.size > 50) throw invalidParameter('A secret can have at most 50 tags.');
    const updated = updateSecret(ctx.db, secret, {
      tags: [...merged].map(([Key, Value]) => ({ Key, Value })),
      last_changed_ms: ctx.now,
    });
    syncReplicas(ctx, updated);
    return {};
  }),

  UntagResource: operation(shapes.UntagResource, (input, ctx) => {
    const secret = requireWritable(ctx, input.SecretId);
    const remove = new Set(input.TagKeys);
    const tags = (secret.tags ?? []).filter((t) => !remove.has(t.Key));
    // After removing every tag AWS shows `Tags: []`, so the column becomes [], not null.
    const updated = updateSecret(ctx.db, secret, { tags, last_changed_ms: ctx.now });
    syncReplicas(ctx, updated);
    return {};
  }),
};

import { operation, type ServiceContext } from '../module.js';
import { invalidParameter, invalidRequest, markedForDeletion, replicaNotPermitted } from './errors.js';
import { replicationStatus } from './render.js';
import { replicateTo } from './replication.js';
import { shapes } from './shapes.js';
import { deleteSecret, replicasOf, requireSecret, type SecretRow, secretByArn, updateSecret } from './store.js';

/** ReplicateSecretToRegions, RemoveRegionsFromReplication, StopReplicationToReplica; the copying is in `replication.ts`. */

function requireWritablePrimary(ctx: ServiceContext, secretId: string): SecretRow {
  const secret = requireSecret(ctx.db, ctx.region, secretId);
  if (secret.deleted_ms !== null) throw markedForDeletion();
  if (secret.replica_of !== null) throw replicaNotPermitted();
  return secret;
}

export const replicationOperations = {
  ReplicateSecretToRegions: operation(shapes.ReplicateSecretToRegions, (input, ctx) => {
    const primary = requireWritablePrimary(ctx, input.SecretId);
    const statuses = replicateTo(ctx, primary, input.AddReplicaRegions, input.ForceOverwriteReplicaSecret === true);
    return { ARN: primary.arn, ReplicationStatus: statuses };
  }),

  RemoveRegionsFromReplication: operation(shapes.RemoveRegionsFromReplication, (input, ctx) => {
    let primary = requireWritablePrimary(ctx, input.SecretId);
    const replicas = replicasOf(ctx.db, primary.arn);
    for (const region of input.RemoveReplicaRegions) {
      const replica = replicas.find((r) => r.region === region);
      if (!replica) throw invalidParameter(`The secret isn't replicated to Region ${region}.`);
      deleteSecret(ctx.db, replica.id);
    }
    if (replicasOf(ctx.db, primary.arn).length === 0) primary = updateSecret(ctx.db, primary, { primary_region: null });
    return { ARN: primary.arn, ReplicationStatus: replicationStatus(ctx.db, primary) };
  }),

  StopReplicationToReplica: operation(shapes.StopReplicationToReplica, (input, ctx) => {
    const replica = requireSecret(ctx.db, ctx.region, input.SecretId);
    if (replica.replica_of === null) throw invalidRequest('StopReplicationToReplica can only be called on a replica secret.');
    const promoted = updateSecret(ctx.db, replica, { replica_of: null, primary_region: null, last_changed_ms: ctx.now });
    // The old primary stops showing PrimaryRegion once it has no replicas left.
    const primary = secretByArn(ctx.db, replica.replica_of);
    if (primary && replicasOf(ctx.db, primary.arn).length === 0) updateSecret(ctx.db, primary, { primary_region: null });
    return { ARN: promoted.arn };
  }),
};

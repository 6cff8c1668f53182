import type { FunctionInvoker } from '../functions/invoke.js';
import type { OperationHandler, ServiceContext, ServiceModule } from '../module.js';
import { listOperations } from './ops-list.js';
import { passwordOperations } from './ops-password.js';
import { policyOperations } from './ops-policy.js';
import { replicationOperations } from './ops-replication.js';
import { cancelRotationOperations, rotationOperations } from './ops-rotation.js';
import { getSecretValue, secretOperations } from './ops-secrets.js';
import { sweepRotations } from './rotation-scheduler.js';
import { initSchema, resetStore } from './store.js';
import { purgeExpiredSecrets } from './sweep.js';

/**
 * Read access to secrets for other modules (SSM's
 * `/aws/reference/secretsmanager/...` parameters). Returns exactly what
 * GetSecretValue returns, or throws the AwsError GetSecretValue would.
 */
export interface SecretsReader {
  getSecretValue(
    ctx: ServiceContext,
    input: { SecretId: string; VersionId?: string; VersionStage?: string },
  ): {
    ARN: string;
    Name: string;
    VersionId: string;
    SecretString?: string;
    SecretBinary?: string;
    VersionStages: string[];
    CreatedDate: number;
  };
}

export interface SecretsManagerModule extends ServiceModule {
  reader: SecretsReader;
}

/** Secrets Manager: every operation of the AWS Secrets Manager API Reference on the shared SQLite store. */
export function createSecretsManager(options: { functions?: FunctionInvoker } = {}): SecretsManagerModule {
  const operations: Record<string, OperationHandler> = {
    ...secretOperations,
    ...listOperations,
    ...policyOperations,
    ...replicationOperations,
    ...passwordOperations,
    ...cancelRotationOperations,
  };
  return {
    targetPrefix: 'secretsmanager',
    signingName: 'secretsmanager',
    messageKeyOf: () => 'Message',
    internalErrorCode: 'InternalServiceError',
    operations,
    // RotateSecret awaits the rotation function, so it manages its own transactions.
    asyncOperations: rotationOperations(options.functions),
    init: initSchema,
    reset: resetStore,
    async sweep(ctx: ServiceContext) {
      purgeExpiredSecrets(ctx);
      await sweepRotations(ctx, options.functions);
    },
    reader: { getSecretValue },
  };
}

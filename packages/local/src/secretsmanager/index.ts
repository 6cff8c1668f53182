import { AwsError } from '../errors.js';
import type { BackgroundContext, OperationHandler, RequestContext, ServiceModule } from '../module.js';
import { listOperations } from './list.js';
import { getSecretValue, secretOperations } from './operations.js';
import { passwordOperations } from './password.js';
import { policyOperations } from './policy.js';
import { replicationOperations } from './replication.js';
import { initSchema, resetStore } from './store.js';
import { purgeExpiredSecrets } from './sweep.js';

/**
 * Read access to secrets for other modules (SSM's
 * `/aws/reference/secretsmanager/...` parameters). Returns exactly what
 * GetSecretValue returns, or throws the AwsError GetSecretValue would.
 */
export interface SecretsReader {
  getSecretValue(
    ctx: RequestContext,
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

/** Until the rotation engine lands, these answer a clear error instead of UnknownOperation. */
const notYet = (op: string) => () => {
  throw new AwsError('InvalidRequestException', `${op} is not available yet in parasol's local service.`);
};
const rotationPlaceholders: Record<string, OperationHandler> = {
  RotateSecret: notYet('RotateSecret'),
  CancelRotateSecret: notYet('CancelRotateSecret'),
};

/** Secrets Manager: every operation of aws-api-facts §2 on the shared SQLite store. */
export function createSecretsManager(): SecretsManagerModule {
  const operations: Record<string, OperationHandler> = {
    ...secretOperations,
    ...listOperations,
    ...policyOperations,
    ...replicationOperations,
    ...passwordOperations,
    ...rotationPlaceholders,
  };
  return {
    targetPrefix: 'secretsmanager',
    signingName: 'secretsmanager',
    messageKey: 'Message',
    internalErrorCode: 'InternalServiceError',
    operations,
    init: initSchema,
    reset: resetStore,
    sweep(ctx: BackgroundContext) {
      purgeExpiredSecrets(ctx);
    },
    reader: { getSecretValue },
  };
}

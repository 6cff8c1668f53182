import type { Db } from '../db.js';
import type { RequestContext, ServiceModule } from '../module.js';

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

/** Secrets Manager (placeholder: operations land with issue 2). */
export function createSecretsManager(): SecretsManagerModule {
  return {
    targetPrefix: 'secretsmanager',
    signingName: 'secretsmanager',
    messageKey: 'Message',
    internalErrorCode: 'InternalServiceError',
    operations: {},
    init(_db: Db) {},
    reset(_db: Db) {},
    reader: {
      getSecretValue() {
        throw new Error('not implemented');
      },
    },
  };
}

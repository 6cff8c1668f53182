import type { Db } from '../db.js';
import type { ServiceModule } from '../module.js';
import type { SecretsReader } from '../secretsmanager/index.js';

/** Parameter Store (placeholder: operations land with issue 3). */
export function createParameterStore(_deps: { secrets: SecretsReader }): ServiceModule {
  return {
    targetPrefix: 'AmazonSSM',
    signingName: 'ssm',
    messageKey: 'message',
    internalErrorCode: 'InternalServerError',
    operations: {},
    init(_db: Db) {},
    reset(_db: Db) {},
  };
}

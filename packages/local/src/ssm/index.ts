import type { Db } from '../db.js';
import type { ServiceContext, ServiceModule } from '../module.js';
import type { SecretsReader } from '../secretsmanager/index.js';
import { describeParameters } from './ops-describe.js';
import { labelParameterVersion, unlabelParameterVersion } from './ops-labels.js';
import { getParameter, getParameterHistory, getParameters, getParametersByPath } from './ops-read.js';
import { addTagsToResource, listTagsForResource, removeTagsFromResource } from './ops-tags.js';
import { deleteParameter, deleteParameters, putParameter } from './ops-write.js';
import { createTables, dropRows } from './schema.js';
import { storeFor } from './store.js';

/**
 * SSM errors whose model member is `Message` (the rest have `message`), and the
 * protocol errors (body, operation, signature) that are not in the model.
 */
const CAPITAL_MESSAGE = new Set([
  'InternalServerError',
  'TooManyUpdates',
  'InvalidFilterValue',
  'InvalidNextToken',
  'InvalidTypeNameException',
  'ValidationException',
  'SerializationException',
  'UnknownOperationException',
  'MissingAuthenticationTokenException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
]);

/**
 * Parameter Store (AWS JSON 1.1, target prefix `AmazonSSM`, SigV4 service
 * `ssm`). Operations outside this map are answered by the server with
 * UnknownOperationException naming the operation.
 */
export function createParameterStore(deps: { secrets: SecretsReader }): ServiceModule {
  return {
    targetPrefix: 'AmazonSSM',
    signingName: 'ssm',
    messageKeyOf: (code) => (CAPITAL_MESSAGE.has(code) ? 'Message' : 'message'),
    internalErrorCode: 'InternalServerError',
    operations: {
      PutParameter: putParameter,
      GetParameter: getParameter(deps.secrets),
      GetParameters: getParameters(deps.secrets),
      GetParametersByPath: getParametersByPath,
      DeleteParameter: deleteParameter,
      DeleteParameters: deleteParameters,
      DescribeParameters: describeParameters,
      GetParameterHistory: getParameterHistory,
      LabelParameterVersion: labelParameterVersion,
      UnlabelParameterVersion: unlabelParameterVersion,
      AddTagsToResource: addTagsToResource,
      RemoveTagsFromResource: removeTagsFromResource,
      ListTagsForResource: listTagsForResource,
    },
    init(db: Db) {
      createTables(db);
    },
    reset(db: Db) {
      dropRows(db);
    },
    /** Deletes parameters whose Expiration policy has passed (reads already hide them). */
    sweep(ctx: ServiceContext) {
      const store = storeFor(ctx.db);
      ctx.db.transaction(() => {
        const expired = store.expired(ctx.now);
        for (const { region, key } of expired) store.delete(region, key);
        if (expired.length > 0) ctx.log.info('expired parameters deleted', { count: expired.length });
      })();
    },
  };
}

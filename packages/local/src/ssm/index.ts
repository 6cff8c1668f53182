import type { ServiceContext, ServiceModule } from '../module.js';
import type { SecretsReader } from '../secretsmanager/index.js';
import { describeParameters } from './ops-describe.js';
import { labelParameterVersion, unlabelParameterVersion } from './ops-labels.js';
import { getParameter, getParameterHistory, getParameters, getParametersByPath } from './ops-read.js';
import { addTagsToResource, listTagsForResource, removeTagsFromResource } from './ops-tags.js';
import { deleteParameter, deleteParameters, putParameter } from './ops-write.js';
import { initSchema, resetStore } from './store.js';
import { deleteExpiredParameters } from './sweep.js';

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
    init: initSchema,
    reset: resetStore,
    sweep(ctx: ServiceContext) {
      deleteExpiredParameters(ctx);
    },
  };
}

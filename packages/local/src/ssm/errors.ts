import { AwsError } from '../errors.js';

/**
 * Parameter Store's modeled errors. Most carry a lowercase `message`
 * (AWS JSON 1.1 protocol: https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html); the server keeps `Message` for the few modeled that way.
 */
const ssmError = (code: string, message: string) => new AwsError(code, message, 400, 'message');

/** AWS sends ParameterNotFound with an empty message (reported publicly: github.com/aws/aws-sdk-js issue #4330). */
export const parameterNotFound = (message = '') => ssmError('ParameterNotFound', message);

export const parameterVersionNotFound = (name: string, version: number | string) =>
  ssmError('ParameterVersionNotFound', `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`);

export const parameterAlreadyExists = () =>
  ssmError(
    'ParameterAlreadyExists',
    'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
  );

export const ssmValidation = (message: string) => new AwsError('ValidationException', message, 400, 'Message');

export const hierarchyLevelLimitExceeded = () =>
  ssmError(
    'HierarchyLevelLimitExceededException',
    'A hierarchy can have a maximum of 15 levels. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html',
  );

export const hierarchyTypeMismatch = () =>
  ssmError(
    'HierarchyTypeMismatchException',
    "Parameter Store doesn't support changing a parameter type in a hierarchy. For example, you can't change a parameter from a String type to a SecureString type. You must create a new, unique parameter.",
  );

export const invalidAllowedPattern = (detail: string) =>
  ssmError('InvalidAllowedPatternException', `The request doesn't meet the regular expression requirement: ${detail}`);

export const parameterPatternMismatch = (pattern: string) =>
  ssmError('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${pattern}`);

export const parameterMaxVersionLimitExceeded = (name: string, oldest: number) =>
  ssmError(
    'ParameterMaxVersionLimitExceeded',
    `You attempted to create a new version of ${name} by calling the PutParameter API with the overwrite flag. Version ${oldest}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
  );

export const parameterLimitExceeded = (tier: 'standard' | 'advanced', limit: number) =>
  ssmError(
    'ParameterLimitExceeded',
    `You have reached the maximum number of ${tier} parameters for this AWS account and Region (${limit}). Delete unused parameters, or upgrade to the advanced-parameter tier.`,
  );

export const parameterVersionLabelLimitExceeded = () =>
  ssmError(
    'ParameterVersionLabelLimitExceeded',
    'A parameter version can have a maximum of 10 labels. Move one or more labels to another version and try again.',
  );

export const invalidKeyId = (keyId: string) =>
  ssmError('InvalidKeyId', `Invalid KeyId: ${keyId}. Use a KMS key ID, key ARN, alias name or alias ARN.`);

export const policiesLimitExceeded = () =>
  ssmError('PoliciesLimitExceededException', 'You specified more than the maximum number of allowed policies for the parameter (10).');
export const invalidPolicyType = (type: string) =>
  ssmError(
    'InvalidPolicyTypeException',
    `The policy type ${type} is not supported. Parameter Store supports the following policy types: Expiration, ExpirationNotification, and NoChangeNotification.`,
  );
export const invalidPolicyAttribute = (message: string) => ssmError('InvalidPolicyAttributeException', message);
export const incompatiblePolicy = (message: string) => ssmError('IncompatiblePolicyException', message);

export const invalidFilterKey = (message: string) => ssmError('InvalidFilterKey', message);
export const invalidFilterOption = (message: string) => ssmError('InvalidFilterOption', message);
export const invalidFilterValue = (message: string) => new AwsError('InvalidFilterValue', message, 400, 'Message');
export const invalidNextToken = () => new AwsError('InvalidNextToken', "The specified token isn't valid.", 400, 'Message');

export const invalidResourceId = () =>
  ssmError('InvalidResourceId', 'The resource ID is not valid. Verify that you entered the correct ID and try again.');
export const invalidResourceType = () =>
  ssmError('InvalidResourceType', 'The resource type is not valid. Parameter Store tags support the resource type Parameter.');
export const tooManyTags = () =>
  ssmError('TooManyTagsError', 'A parameter can have at most 50 tags. Remove tags with RemoveTagsFromResource and try again.');

export const accessDenied = (message: string) => new AwsError('AccessDeniedException', message, 400, 'Message');

import { AwsError } from '../errors.js';

/**
 * Secrets Manager's error texts, in one place. Some are AWS's exact words
 * (as its API answers them); the rest follow moto/LocalStack or,
 * where nobody recorded AWS's text, are parasol's own (the README lists which).
 * No text ever includes a secret value.
 */
export const notFound = () => new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export const noValueForStage = (stage: string) =>
  new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage}`);

export const noValueForVersion = (versionId: string) =>
  new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);

export const markedForDeletion = () =>
  new AwsError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");

export const alreadyMarkedDeleted = () =>
  new AwsError('InvalidRequestException', "You tried to perform the operation on a secret that's currently marked deleted.");

export const invalidName = () =>
  new AwsError(
    'ValidationException',
    'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
  );

export const missingToken = () =>
  new AwsError('InvalidRequestException', 'You must provide a ClientRequestToken value. We recommend a UUID-type value.');

export const tokenInUse = (token: string, arn: string) =>
  new AwsError(
    'ResourceExistsException',
    `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${arn}.`,
  );

export const secretExists = (name: string) =>
  new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);

export const nameScheduledForDeletion = () =>
  new AwsError(
    'InvalidRequestException',
    "You can't create this secret because a secret with this name is already scheduled for deletion.",
  );

export const valueRequired = () => new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');

export const bothValues = () =>
  new AwsError('InvalidParameterException', "You can't specify both SecretString and SecretBinary in the same request.");

/** AWS's words and code (docs/aws-behaviour.md, "Replicas"). */
export const replicaNotPermitted = () =>
  new AwsError('InvalidParameterException', "Operation not permitted on a replica secret. Call must be made in primary secret's region.");

/** DeleteSecret on a primary that still has replicas; regions in the order they were added (docs/aws-behaviour.md). */
export const stillHasReplicas = (arn: string, regions: string[]) =>
  new AwsError('InvalidParameterException', `You can't delete secret ${arn} that still has replica regions [${regions.join(', ')}].`);

export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);
export const invalidRequest = (message: string) => new AwsError('InvalidRequestException', message);
export const limitExceeded = (message: string) => new AwsError('LimitExceededException', message);
export const invalidNextToken = () => new AwsError('InvalidNextTokenException', 'The NextToken value is invalid.');

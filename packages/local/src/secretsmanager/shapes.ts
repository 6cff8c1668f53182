import { blob, bool, type Infer, int, list, str, struct } from '../shape.js';

/**
 * Input shapes of every Secrets Manager operation, with the model's
 * constraints (Secrets Manager API Reference, each operation). The SDKs validate nothing, so these are
 * the only guard: lengths, ranges, patterns and enums are enforced here.
 */

const secretId = str({ min: 1, max: 2048 });
const token = str({ min: 32, max: 64 });
const versionId = str({ min: 32, max: 64 });
const stage = str({ min: 1, max: 256 });
const secretString = str({ min: 1, max: 65536, sensitive: true });
const secretBinary = blob({ min: 1, max: 65536, sensitive: true });
const kmsKeyId = str({ min: 0, max: 2048 });
const description = str({ max: 2048 });
const nextToken = str({ min: 1, max: 4096 });
const regionCode = str({ min: 1, max: 128, pattern: '^([a-z]+-)+\\d+$' });
const tag = struct({ Key: str({ min: 1, max: 128 }), Value: str({ min: 0, max: 256 }) });
const replicaRegion = struct({ Region: regionCode, KmsKeyId: kmsKeyId });

// Patterns are the model's text, verbatim: ValidationException messages quote them.
const FILTER_VALUE_PATTERN = '^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$';
const ROTATION_TOKEN_PATTERN = '^[a-zA-Z0-9\\-]+$';
export const FILTER_KEYS = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'] as const;
const filter = struct({
  Key: str({ enum: FILTER_KEYS }),
  Values: list(str({ max: 512, pattern: FILTER_VALUE_PATTERN }), { min: 1, max: 10 }),
});
const filters = list(filter, { max: 10 });

export const shapes = {
  CreateSecret: struct(
    {
      Name: str({ min: 1, max: 512 }),
      ClientRequestToken: token,
      Description: description,
      KmsKeyId: kmsKeyId,
      SecretBinary: secretBinary,
      SecretString: secretString,
      Tags: list(tag),
      AddReplicaRegions: list(replicaRegion, { min: 1 }),
      ForceOverwriteReplicaSecret: bool,
      Type: str({ min: 0, max: 256 }),
    },
    ['Name'],
  ),
  GetSecretValue: struct({ SecretId: secretId, VersionId: versionId, VersionStage: stage }, ['SecretId']),
  BatchGetSecretValue: struct({
    SecretIdList: list(secretId, { min: 1, max: 20 }),
    Filters: filters,
    MaxResults: int({ min: 1, max: 20 }),
    NextToken: nextToken,
  }),
  DescribeSecret: struct({ SecretId: secretId }, ['SecretId']),
  PutSecretValue: struct(
    {
      SecretId: secretId,
      ClientRequestToken: token,
      SecretBinary: secretBinary,
      SecretString: secretString,
      VersionStages: list(stage, { min: 1, max: 20 }),
      RotationToken: str({ min: 36, max: 256, pattern: ROTATION_TOKEN_PATTERN, sensitive: true }),
    },
    ['SecretId'],
  ),
  UpdateSecret: struct(
    {
      SecretId: secretId,
      ClientRequestToken: token,
      Description: description,
      KmsKeyId: kmsKeyId,
      SecretBinary: secretBinary,
      SecretString: secretString,
      Type: str({ min: 0, max: 256 }),
    },
    ['SecretId'],
  ),
  UpdateSecretVersionStage: struct(
    { SecretId: secretId, VersionStage: stage, RemoveFromVersionId: versionId, MoveToVersionId: versionId },
    ['SecretId', 'VersionStage'],
  ),
  ListSecrets: struct({
    IncludePlannedDeletion: bool,
    MaxResults: int({ min: 1, max: 100 }),
    NextToken: nextToken,
    Filters: filters,
    SortOrder: str({ enum: ['asc', 'desc'] }),
    SortBy: str({ enum: ['created-date', 'last-accessed-date', 'last-changed-date', 'name'] }),
  }),
  ListSecretVersionIds: struct(
    { SecretId: secretId, MaxResults: int({ min: 1, max: 100 }), NextToken: nextToken, IncludeDeprecated: bool },
    ['SecretId'],
  ),
  DeleteSecret: struct({ SecretId: secretId, RecoveryWindowInDays: int(), ForceDeleteWithoutRecovery: bool }, ['SecretId']),
  RestoreSecret: struct({ SecretId: secretId }, ['SecretId']),
  TagResource: struct({ SecretId: secretId, Tags: list(tag) }, ['SecretId', 'Tags']),
  UntagResource: struct({ SecretId: secretId, TagKeys: list(str({ min: 1, max: 128 })) }, ['SecretId', 'TagKeys']),
  GetRandomPassword: struct({
    PasswordLength: int({ min: 1, max: 4096 }),
    ExcludeCharacters: str({ min: 0, max: 4096 }),
    ExcludeNumbers: bool,
    ExcludePunctuation: bool,
    ExcludeUppercase: bool,
    ExcludeLowercase: bool,
    IncludeSpace: bool,
    RequireEachIncludedType: bool,
  }),
  GetResourcePolicy: struct({ SecretId: secretId }, ['SecretId']),
  PutResourcePolicy: struct({ SecretId: secretId, ResourcePolicy: str({ min: 1, max: 20480 }), BlockPublicPolicy: bool }, [
    'SecretId',
    'ResourcePolicy',
  ]),
  DeleteResourcePolicy: struct({ SecretId: secretId }, ['SecretId']),
  ValidateResourcePolicy: struct({ SecretId: secretId, ResourcePolicy: str({ min: 1, max: 20480 }) }, ['ResourcePolicy']),
  ReplicateSecretToRegions: struct(
    { SecretId: secretId, AddReplicaRegions: list(replicaRegion, { min: 1 }), ForceOverwriteReplicaSecret: bool },
    ['SecretId', 'AddReplicaRegions'],
  ),
  RemoveRegionsFromReplication: struct({ SecretId: secretId, RemoveReplicaRegions: list(regionCode, { min: 1 }) }, [
    'SecretId',
    'RemoveReplicaRegions',
  ]),
  StopReplicationToReplica: struct({ SecretId: secretId }, ['SecretId']),
  RotateSecret: struct(
    {
      SecretId: str({ min: 1, max: 2048 }),
      ClientRequestToken: str({ min: 32, max: 64 }),
      RotationLambdaARN: str({ min: 0, max: 2048 }),
      RotationRules: struct({
        // Range checked in rotation-rules.ts with AWS's InvalidParameterException text.
        AutomaticallyAfterDays: int(),
        Duration: str({ min: 2, max: 3, pattern: '[0-9]+h' }),
        ScheduleExpression: str({ min: 1, max: 256, pattern: '[0-9A-Za-z\\(\\)#\\?\\*\\-\\/, ]+' }),
      }),
      ExternalSecretRotationMetadata: list(struct({ Key: str({ min: 1, max: 2048 }), Value: str({ min: 1, max: 2048 }) })),
      ExternalSecretRotationRoleArn: str({ min: 0, max: 2048 }),
      RotateImmediately: bool,
    },
    ['SecretId'],
  ),
  CancelRotateSecret: struct({ SecretId: str({ min: 1, max: 2048 }) }, ['SecretId']),
};

export type Tag = Infer<typeof tag>;
export type ReplicaRegionInput = Infer<typeof replicaRegion>;
export type FilterInput = Infer<typeof filter>;
export type RotateSecretInput = Infer<typeof shapes.RotateSecret>;
export type RotationRulesInput = NonNullable<RotateSecretInput['RotationRules']>;

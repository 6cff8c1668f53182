import { bool, type Infer, int, list, str, struct } from '../shape.js';

/** Input shapes of the Parameter Store operations, from the SSM model; patterns are the model's text, verbatim. */
const name = str({ min: 1, max: 2048 });
const TAG_PATTERN = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$';
const tagKey = str({ min: 1, max: 128, pattern: TAG_PATTERN });
const tagValue = str({ min: 0, max: 256, pattern: TAG_PATTERN });
const tag = struct({ Key: tagKey, Value: tagValue }, ['Key', 'Value']);
const nextToken = str({ max: 1024 });
export const PARAMETER_TYPES = ['String', 'StringList', 'SecureString'] as const;
export const TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'] as const;
export const RESOURCE_TYPES = [
  'Document',
  'ManagedInstance',
  'MaintenanceWindow',
  'Parameter',
  'PatchBaseline',
  'OpsItem',
  'OpsMetadata',
  'Automation',
  'Association',
] as const;

const parameterStringFilter = struct(
  {
    Key: str({ min: 1, max: 132, pattern: 'tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType' }),
    Option: str({ min: 1, max: 10 }),
    Values: list(str({ min: 1, max: 1024 }), { min: 1, max: 50 }),
  },
  ['Key'],
);

export const shapes = {
  PutParameter: struct(
    {
      Name: name,
      Description: str({ max: 1024 }),
      // The model gives no bounds; AWS enforces 1–32768 before the tier limits (docs/aws-behaviour.md).
      Value: str({ min: 1, max: 32768, sensitive: true }),
      Type: str({ enum: PARAMETER_TYPES }),
      KeyId: str({ min: 1, max: 256, pattern: '^([a-zA-Z0-9:/_-]+)$' }),
      Overwrite: bool,
      AllowedPattern: str({ max: 1024 }),
      Tags: list(tag, { max: 1000 }),
      Tier: str({ enum: TIERS }),
      Policies: str({ min: 1, max: 4096 }),
      DataType: str({ max: 128 }),
    },
    ['Name', 'Value'],
  ),
  GetParameter: struct({ Name: name, WithDecryption: bool }, ['Name']),
  GetParameters: struct({ Names: list(name, { min: 1, max: 10 }), WithDecryption: bool }, ['Names']),
  GetParametersByPath: struct(
    {
      Path: name,
      Recursive: bool,
      ParameterFilters: list(parameterStringFilter),
      WithDecryption: bool,
      MaxResults: int({ min: 1, max: 10 }),
      NextToken: nextToken,
    },
    ['Path'],
  ),
  DeleteParameter: struct({ Name: name }, ['Name']),
  DeleteParameters: struct({ Names: list(name, { min: 1, max: 10 }) }, ['Names']),
  DescribeParameters: struct({
    Filters: list(
      struct({ Key: str({ enum: ['Name', 'Type', 'KeyId'] }), Values: list(str({ min: 1, max: 1024 }), { min: 1, max: 50 }) }, [
        'Key',
        'Values',
      ]),
    ),
    ParameterFilters: list(parameterStringFilter),
    MaxResults: int({ min: 1, max: 50 }),
    NextToken: nextToken,
    Shared: bool,
  }),
  GetParameterHistory: struct({ Name: name, WithDecryption: bool, MaxResults: int({ min: 1, max: 50 }), NextToken: nextToken }, ['Name']),
  LabelParameterVersion: struct({ Name: name, ParameterVersion: int(), Labels: list(str({ min: 1, max: 100 }), { min: 1, max: 10 }) }, [
    'Name',
    'Labels',
  ]),
  UnlabelParameterVersion: struct({ Name: name, ParameterVersion: int(), Labels: list(str({ min: 1, max: 100 }), { min: 1, max: 10 }) }, [
    'Name',
    'ParameterVersion',
    'Labels',
  ]),
  AddTagsToResource: struct({ ResourceType: str({ enum: RESOURCE_TYPES }), ResourceId: str({ min: 1 }), Tags: list(tag, { max: 1000 }) }, [
    'ResourceType',
    'ResourceId',
    'Tags',
  ]),
  RemoveTagsFromResource: struct({ ResourceType: str({ enum: RESOURCE_TYPES }), ResourceId: str({ min: 1 }), TagKeys: list(tagKey) }, [
    'ResourceType',
    'ResourceId',
    'TagKeys',
  ]),
  ListTagsForResource: struct({ ResourceType: str({ enum: RESOURCE_TYPES }), ResourceId: str({ min: 1 }) }, ['ResourceType', 'ResourceId']),
};

export type ParameterStringFilter = Infer<typeof parameterStringFilter>;

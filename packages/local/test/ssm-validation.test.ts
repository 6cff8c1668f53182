import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsToResourceCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  type PutParameterCommandInput,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.ts';

/** Bad input to Parameter Store: a clear AWS error, and nothing written. */
describe('Parameter Store input validation (SDK v3, parasol serve)', () => {
  let serve: ServeProcess;
  let ssm: SSMClient;
  before(async () => {
    serve = await startServe();
    ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  });
  after(async () => {
    ssm?.destroy();
    await serve?.stop();
  });

  const put = (input: PutParameterCommandInput) => ssm.send(new PutParameterCommand(input));
  const count = async () => {
    let n = 0;
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(new DescribeParametersCommand({ NextToken }));
      n += page.Parameters?.length ?? 0;
      NextToken = page.NextToken;
    } while (NextToken);
    return n;
  };

  /** Asserts the put fails with `code` (and message pattern) and that the store did not change. */
  async function rejected(input: PutParameterCommandInput, code: string, message?: RegExp | string) {
    const before = await count();
    await assert.rejects(put(input), (e: Error) => {
      assert.equal(e.name, code, `${e.name}: ${e.message}`);
      if (typeof message === 'string') assert.equal(e.message, message);
      else if (message) assert.match(e.message, message);
      return true;
    });
    assert.equal(await count(), before, 'a rejected PutParameter wrote something');
    if (typeof input.Name === 'string' && !input.Overwrite) {
      // Not stored: not found, or (a bad name) refused for reading with the same error as for writing.
      await assert.rejects(ssm.send(new GetParameterCommand({ Name: input.Name.trim() })), {
        name: new RegExp(`^(ParameterNotFound|${code})$`),
      });
    }
  }

  it('refuses oversized values per tier with AWS text, and picks tiers', async () => {
    await rejected(
      { Name: '/big/standard', Value: 'x'.repeat(4097), Type: 'String' },
      'ValidationException',
      /^Standard tier parameters support a maximum parameter value of 4096 characters\. To create a larger parameter value, upgrade/,
    );
    await rejected({ Name: '/big/advanced', Value: 'x'.repeat(8193), Type: 'String', Tier: 'Advanced' }, 'ValidationException', /8192/);
    assert.equal((await put({ Name: '/big/ok', Value: 'x'.repeat(4096), Type: 'String' })).Tier, 'Standard');
    assert.equal((await put({ Name: '/big/adv', Value: 'x'.repeat(8192), Type: 'String', Tier: 'Advanced' })).Tier, 'Advanced');
    assert.equal((await put({ Name: '/big/it1', Value: 'small', Type: 'String', Tier: 'Intelligent-Tiering' })).Tier, 'Standard');
    assert.equal((await put({ Name: '/big/it2', Value: 'x'.repeat(5000), Type: 'String', Tier: 'Intelligent-Tiering' })).Tier, 'Advanced');
    await rejected({ Name: '/big/adv', Value: 'y', Tier: 'Standard', Overwrite: true }, 'ValidationException', /can't downgrade/);
    // A sensitive member's value is never quoted: `Value at 'value'`, as AWS writes it.
    await rejected(
      { Name: '/big/empty', Value: '', Type: 'String' },
      'ValidationException',
      "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    await rejected(
      { Name: '/big/huge', Value: 'x'.repeat(32769), Type: 'String', Tier: 'Advanced' },
      'ValidationException',
      "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to 32768",
    );
    await rejected({ Name: '/big/nested', Value: 'a{{ssm:/x}}b', Type: 'String' }, 'ValidationException', /can't nest another parameter/);
  });

  it('refuses bad names with clear errors', async () => {
    const invalidChars = /can consist of sub-paths divided by slash symbol/;
    await rejected({ Name: 'has space', Value: 'v', Type: 'String' }, 'ValidationException', invalidChars);
    await rejected({ Name: '{test}-test', Value: 'v', Type: 'String' }, 'ValidationException', invalidChars);
    await rejected({ Name: 'a/b', Value: 'v', Type: 'String' }, 'ValidationException', 'Parameter name must be a fully qualified name.');
    await rejected({ Name: '/a//b', Value: 'v', Type: 'String' }, 'ValidationException', 'Parameter name must be a fully qualified name.');
    const deep = (n: number) => Array.from({ length: n }, (_, i) => `/l${i}`).join('');
    await rejected({ Name: deep(16), Value: 'v', Type: 'String' }, 'HierarchyLevelLimitExceededException', /maximum of 15 levels/);
    assert.equal((await put({ Name: deep(15), Value: 'v', Type: 'String' })).Version, 1);
    const reserved = 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).';
    await rejected({ Name: 'awsTestParameter', Value: 'v', Type: 'String' }, 'ValidationException', reserved);
    await rejected({ Name: 'SSM-test', Value: 'v', Type: 'String' }, 'ValidationException', reserved);
    await rejected(
      { Name: '/aws/mine', Value: 'v', Type: 'String' },
      'AccessDeniedException',
      'No access to reserved parameter name: /aws/mine.',
    );
    await rejected({ Name: '/ssm/mine', Value: 'v', Type: 'String' }, 'ValidationException', invalidChars);
    const prefix = 'arn:aws:ssm:us-east-1:123456789012:parameter/'.length;
    assert.equal((await put({ Name: `/${'n'.repeat(1011 - prefix)}`, Value: 'v', Type: 'String' })).Version, 1);
    await rejected({ Name: `/${'n'.repeat(1012 - prefix)}`, Value: 'v', Type: 'String' }, 'ValidationException', /at most 1011 characters/);
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '{test}-test' })), (e: Error) => {
      assert.equal(e.name, 'ValidationException');
      assert.match(e.message, invalidChars);
      return true;
    });
  });

  it('refuses a missing or unknown Type, bad KeyIds and KeyId on non-secure types', async () => {
    await rejected({ Name: '/t/none', Value: 'v' }, 'ValidationException', 'A parameter type is required when you create a parameter.');
    await rejected({ Name: '/t/num', Value: 'v', Type: 'Number' as never }, 'ValidationException', /Member must satisfy enum value set/);
    await rejected({ Name: '/t/key', Value: 'v', Type: 'SecureString', KeyId: 'not-a-key' }, 'InvalidKeyId');
    await rejected({ Name: '/t/key2', Value: 'v', Type: 'SecureString', KeyId: 'alias/aws/secretsmanager' }, 'InvalidKeyId');
    await rejected(
      { Name: '/t/key3', Value: 'v', Type: 'String', KeyId: 'alias/mine' },
      'ValidationException',
      /only be used with the SecureString/,
    );
    for (const KeyId of [
      'alias/mine',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ]) {
      assert.equal((await put({ Name: `/t/ok/${KeyId.length}`, Value: 'v', Type: 'SecureString', KeyId })).Version, 1);
    }
  });

  it('enforces AllowedPattern and DataType', async () => {
    await rejected(
      { Name: '/p/digits', Value: 'abc', Type: 'String', AllowedPattern: '^\\d+$' },
      'ParameterPatternMismatchException',
      'Parameter value, cannot be validated against allowedPattern: ^\\d+$',
    );
    await rejected({ Name: '/p/badre', Value: 'abc', Type: 'String', AllowedPattern: '([a-z' }, 'InvalidAllowedPatternException');
    assert.equal((await put({ Name: '/p/digits', Value: '123', Type: 'String', AllowedPattern: '^\\d+$' })).Version, 1);
    await rejected(
      { Name: '/p/dt', Value: 'v', Type: 'String', DataType: 'TEXT' },
      'ValidationException',
      'The following data type is not supported: TEXT (Data type names are all lowercase.)',
    );
    await rejected(
      { Name: '/p/ami-list', Value: 'ami-0123456789abcdef0', Type: 'StringList', DataType: 'aws:ec2:image' },
      'ValidationException',
      'The aws:ec2:image data type is only supported for String parameters.',
    );
    await put({ Name: '/p/ami', Value: 'ami-0123456789abcdef0', Type: 'String', DataType: 'aws:ec2:image' });
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/p/ami' }));
    assert.equal(Parameter?.DataType, 'aws:ec2:image');
  });

  it('aws:ec2:image: a value that is not an AMI id is answered 200 and not stored, as AWS validates it afterwards', async () => {
    // A new parameter: PutParameter succeeds, yet the parameter never appears.
    const created = await put({ Name: '/ami/new', Value: 'not-an-ami', Type: 'String', DataType: 'aws:ec2:image' });
    assert.deepEqual([created.Version, created.Tier], [1, 'Standard']);
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/ami/new' })), { name: 'ParameterNotFound' });
    // An update: the previous version stays current and history does not show the refused one.
    await put({ Name: '/ami/kept', Value: 'ami-0123abcd', Type: 'String', DataType: 'aws:ec2:image' });
    const refused = await put({ Name: '/ami/kept', Value: 'ami-XYZ', Type: 'String', Overwrite: true });
    assert.equal(refused.Version, 2);
    const kept = (await ssm.send(new GetParameterCommand({ Name: '/ami/kept' }))).Parameter;
    assert.deepEqual([kept?.Version, kept?.Value], [1, 'ami-0123abcd']);
    const history = await ssm.send(new GetParameterHistoryCommand({ Name: '/ami/kept' }));
    assert.deepEqual(
      history.Parameters?.map((p) => p.Value),
      ['ami-0123abcd'],
    );
    // The next valid write takes the version number the refused one was answered with.
    assert.equal((await put({ Name: '/ami/kept', Value: 'ami-0123456789abcdef0', Type: 'String', Overwrite: true })).Version, 2);
  });

  it('validates policies', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const expiration = { Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: future } };
    await rejected(
      { Name: '/pol/std', Value: 'v', Type: 'String', Policies: JSON.stringify([expiration]) },
      'ValidationException',
      /only for the advanced-parameter tier/,
    );
    await rejected(
      { Name: '/pol/type', Value: 'v', Type: 'String', Tier: 'Advanced', Policies: JSON.stringify([{ Type: 'Explode', Attributes: {} }]) },
      'InvalidPolicyTypeException',
    );
    await rejected(
      {
        Name: '/pol/past',
        Value: 'v',
        Type: 'String',
        Tier: 'Advanced',
        Policies: JSON.stringify([{ Type: 'Expiration', Attributes: { Timestamp: '2001-01-01T00:00:00.000Z' } }]),
      },
      'InvalidPolicyAttributeException',
      /in the past/,
    );
    await rejected(
      {
        Name: '/pol/notify',
        Value: 'v',
        Type: 'String',
        Tier: 'Advanced',
        Policies: JSON.stringify([{ Type: 'ExpirationNotification', Attributes: { Before: '1', Unit: 'Days' } }]),
      },
      'IncompatiblePolicyException',
    );
    await rejected(
      { Name: '/pol/many', Value: 'v', Type: 'String', Tier: 'Advanced', Policies: JSON.stringify(Array(11).fill(expiration)) },
      'PoliciesLimitExceededException',
    );
    const ok = await put({
      Name: '/pol/ok',
      Value: 'v',
      Type: 'String',
      Tier: 'Intelligent-Tiering',
      Policies: JSON.stringify([expiration, { Type: 'NoChangeNotification', Attributes: { After: '30', Unit: 'Days' } }]),
    });
    assert.equal(ok.Tier, 'Advanced');
  });

  it('refuses more than 10 names in GetParameters with AWS text', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `n${i}`);
    await assert.rejects(ssm.send(new GetParametersCommand({ Names: names })), (e: Error) => {
      assert.equal(e.name, 'ValidationException');
      assert.equal(
        e.message,
        `1 validation error detected: Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10`,
      );
      return true;
    });
  });

  it("quotes the model's pattern verbatim, not the anchored regex it is matched with", async () => {
    await assert.rejects(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Colour', Values: ['x'] }] })), (e: Error) => {
      assert.equal(e.name, 'ValidationException');
      assert.equal(
        e.message,
        "1 validation error detected: Value 'Colour' at 'parameterFilters.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType",
      );
      return true;
    });
  });

  it('reports a bad member of a list of strings on the list, with every constraint of the member', async () => {
    await put({ Name: '/lists/labels', Value: 'v', Type: 'String' });
    const labels = ['ok', 'x'.repeat(101)];
    await assert.rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/lists/labels', Labels: labels })), (e: Error) => {
      assert.equal(e.name, 'ValidationException');
      assert.equal(
        e.message,
        `1 validation error detected: Value '[${labels.join(', ')}]' at 'labels' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 100, Member must have length greater than or equal to 1]`,
      );
      return true;
    });
    await assert.rejects(
      ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/a', ''] }] })),
      (e: Error) => {
        assert.equal(
          e.message,
          "1 validation error detected: Value '[/a, ]' at 'parameterFilters.1.member.values' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1]",
        );
        return true;
      },
    );
  });

  it('refuses bad tags', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await rejected({ Name: '/tags/many', Value: 'v', Type: 'String', Tags: tags }, 'TooManyTagsError');
    await rejected(
      { Name: '/tags/bad', Value: 'v', Type: 'String', Tags: [{ Key: 'bad#key', Value: 'v' }] },
      'ValidationException',
      /tags\.1\.member\.key/,
    );
    await put({ Name: '/tags/ok', Value: 'v', Type: 'String' });
    await assert.rejects(
      ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: '/tags/ok', Tags: [{ Key: '', Value: 'v' }] })),
      { name: 'ValidationException' },
    );
  });

  it('answers a malformed body with SerializationException', async () => {
    await assert.rejects(put({ Name: '/ser/x', Value: 'v', Type: 'String', Overwrite: 'yes' as never }), {
      name: 'SerializationException',
    });
  });
});

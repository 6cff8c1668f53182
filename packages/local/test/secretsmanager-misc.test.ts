import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
  ReplicateSecretToRegionsCommand,
  type SecretsManagerClient,
  StopReplicationToReplicaCommand,
  TagResourceCommand,
  ValidateResourcePolicyCommand,
} from '@aws-sdk/client-secrets-manager';
import { type ServeProcess, startServe } from '../../../test-support/processes.ts';
import { rawCall, smClient, uniqueName } from './secretsmanager-support.ts';

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const policy = (principal: unknown) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
  });

describe('Secrets Manager: passwords, resource policies, replication, bad input (SDK v3)', () => {
  let serve: ServeProcess;
  let sm: SecretsManagerClient;
  before(async () => {
    serve = await startServe();
    sm = smClient(serve.url);
  });
  after(async () => {
    await serve.stop();
  });

  it('GetRandomPassword: default 32 chars with every type, honours length and exclusions, is random', async () => {
    const { RandomPassword: p } = await sm.send(new GetRandomPasswordCommand({}));
    assert.equal(p!.length, 32);
    assert.match(p!, /[a-z]/);
    assert.match(p!, /[A-Z]/);
    assert.match(p!, /[0-9]/);
    assert.ok([...p!].some((c) => PUNCTUATION.includes(c)));
    const q = (await sm.send(new GetRandomPasswordCommand({}))).RandomPassword!;
    assert.notEqual(p, q);
    const custom = (
      await sm.send(
        new GetRandomPasswordCommand({ PasswordLength: 120, ExcludeCharacters: 'abcABC123', ExcludePunctuation: true, IncludeSpace: true }),
      )
    ).RandomPassword!;
    assert.equal(custom.length, 120);
    assert.match(custom, /^[d-zD-Z04-9 ]+$/);
    assert.match(custom, / /);
    const digits = (
      await sm.send(
        new GetRandomPasswordCommand({ PasswordLength: 50, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true }),
      )
    ).RandomPassword!;
    assert.match(digits, /^[0-9]{50}$/);
    await assert.rejects(sm.send(new GetRandomPasswordCommand({ PasswordLength: 4097 })), {
      name: 'ValidationException',
      message: /at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096/,
    });
    await assert.rejects(sm.send(new GetRandomPasswordCommand({ PasswordLength: 3 })), {
      name: 'InvalidParameterException',
      message: 'Password length is too short based on the required types.',
    });
    assert.equal(
      (await sm.send(new GetRandomPasswordCommand({ PasswordLength: 3, RequireEachIncludedType: false }))).RandomPassword!.length,
      3,
    );
  });

  it('resource policies: put/get/delete, malformed and public-blocked documents, validate', async () => {
    const name = uniqueName();
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const got0 = await sm.send(new GetResourcePolicyCommand({ SecretId: name }));
    assert.equal(got0.ResourcePolicy, undefined);
    assert.equal(got0.ARN, ARN);
    const doc = policy({ AWS: 'arn:aws:iam::123456789012:root' });
    const put = await sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: doc }));
    assert.equal(put.Name, name);
    assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy, doc);
    await assert.rejects(sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: '{not json' })), {
      name: 'MalformedPolicyDocumentException',
    });
    await assert.rejects(sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy('*'), BlockPublicPolicy: true })), {
      name: 'PublicPolicyException',
    });
    // A public policy is accepted when not blocking.
    await sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy('*') }));
    await sm.send(new DeleteResourcePolicyCommand({ SecretId: name }));
    assert.equal((await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy, undefined);
    const okCheck = await sm.send(new ValidateResourcePolicyCommand({ ResourcePolicy: doc }));
    assert.equal(okCheck.PolicyValidationPassed, true);
    assert.deepEqual(okCheck.ValidationErrors, []);
    const badCheck = await sm.send(
      new ValidateResourcePolicyCommand({ SecretId: name, ResourcePolicy: JSON.stringify({ Statement: [{ Effect: 'Maybe' }] }) }),
    );
    assert.equal(badCheck.PolicyValidationPassed, false);
    assert.ok(badCheck.ValidationErrors!.length >= 1);
    await assert.rejects(sm.send(new ValidateResourcePolicyCommand({ SecretId: 'nope', ResourcePolicy: doc })), {
      name: 'ResourceNotFoundException',
    });
  });

  it('replication: replicas live in their region, follow the primary, can be removed or promoted', async () => {
    const name = uniqueName('repl');
    const { ARN } = await sm.send(
      new CreateSecretCommand({ Name: name, SecretString: 'one', AddReplicaRegions: [{ Region: 'eu-west-1' }] }),
    );
    const eu = smClient(serve.url, 'eu-west-1');
    const replicaArn = ARN!.replace(':us-east-1:', ':eu-west-1:');
    const got = await eu.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(got.SecretString, 'one');
    assert.equal(got.ARN, replicaArn);
    // Changes to the primary reach the replica; changing the replica directly is refused.
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));
    await sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'k', Value: 'v' }] }));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'two');
    assert.deepEqual((await eu.send(new DescribeSecretCommand({ SecretId: name }))).Tags, [{ Key: 'k', Value: 'v' }]);
    // AWS's code and words for a replica (gruntwork-io/cloud-nuke#435, lgallard/terraform-aws-secrets-manager#188).
    const onReplica = {
      name: 'InvalidParameterException',
      message: "Operation not permitted on a replica secret. Call must be made in primary secret's region.",
    };
    await assert.rejects(eu.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'x' })), onReplica);
    await assert.rejects(eu.send(new DeleteSecretCommand({ SecretId: name })), onReplica);
    await assert.rejects(
      eu.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy({ AWS: 'arn:aws:iam::123456789012:root' }) })),
      onReplica,
    );
    const more = await sm.send(
      new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: 'ap-south-1', KmsKeyId: 'alias/mine' }] }),
    );
    assert.deepEqual(more.ReplicationStatus, [
      { Region: 'ap-south-1', KmsKeyId: 'alias/mine', Status: 'InSync', StatusMessage: 'Replication succeeded' },
    ]);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(d.PrimaryRegion, 'us-east-1');
    assert.deepEqual(
      d.ReplicationStatus!.map((r) => r.Region),
      ['ap-south-1', 'eu-west-1'],
    );
    assert.equal((await eu.send(new DescribeSecretCommand({ SecretId: name }))).PrimaryRegion, 'us-east-1');
    // Listed in the order the replicas were added, not sorted (cloud-nuke#435, rebuy-de/aws-nuke#1127).
    for (const force of [false, true]) {
      await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: force || undefined })), {
        name: 'InvalidParameterException',
        message: `You can't delete secret ${ARN} that still has replica regions [eu-west-1, ap-south-1].`,
      });
    }
    const removed = await sm.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: ['ap-south-1'] }));
    assert.deepEqual(
      removed.ReplicationStatus!.map((r) => r.Region),
      ['eu-west-1'],
    );
    await assert.rejects(smClient(serve.url, 'ap-south-1').send(new GetSecretValueCommand({ SecretId: name })), {
      name: 'ResourceNotFoundException',
    });
    const promoted = await eu.send(new StopReplicationToReplicaCommand({ SecretId: name }));
    assert.equal(promoted.ARN, replicaArn);
    await eu.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'independent' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'two');
    // A name taken in the target region fails that region only, unless overwriting is forced.
    const clash = await sm.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
    assert.equal(clash.ReplicationStatus![0].Status, 'Failed');
    await sm.send(
      new ReplicateSecretToRegionsCommand({
        SecretId: name,
        AddReplicaRegions: [{ Region: 'eu-west-1' }],
        ForceOverwriteReplicaSecret: true,
      }),
    );
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'two');
  });

  it('bad input: malformed JSON, wrong types, unknown operation, oversized body; nothing written, server keeps serving', async () => {
    const name = uniqueName();
    const malformed = await rawCall(serve.url, 'CreateSecret', `{"Name": "${name}", "SecretString": `);
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.__type, 'SerializationException');
    const notObject = await rawCall(serve.url, 'CreateSecret', '[1,2]');
    assert.equal(notObject.body.__type, 'SerializationException');
    const wrongType = await rawCall(
      serve.url,
      'CreateSecret',
      JSON.stringify({ Name: name, SecretString: 42, ClientRequestToken: 'a'.repeat(32) }),
    );
    assert.equal(wrongType.body.__type, 'SerializationException');
    const wrongList = await rawCall(serve.url, 'TagResource', JSON.stringify({ SecretId: name, Tags: { Key: 'a' } }));
    assert.equal(wrongList.body.__type, 'SerializationException');
    const badBlob = await rawCall(
      serve.url,
      'CreateSecret',
      JSON.stringify({ Name: name, SecretBinary: '%%%', ClientRequestToken: 'a'.repeat(32) }),
    );
    assert.equal(badBlob.body.__type, 'SerializationException');
    const missing = await rawCall(serve.url, 'GetSecretValue', '{}');
    assert.equal(missing.body.__type, 'ValidationException');
    assert.match(missing.body.Message as string, /at 'secretId' failed to satisfy constraint: Member must not be null/);
    const unknown = await rawCall(serve.url, 'FlySecret', '{}');
    assert.equal(unknown.body.__type, 'UnknownOperationException');
    const big = await rawCall(
      serve.url,
      'CreateSecret',
      JSON.stringify({ Name: name, SecretString: 'x'.repeat(1024 * 1024 + 1), ClientRequestToken: 'a'.repeat(32) }),
    );
    assert.equal(big.status, 413);
    // Unicode edge cases in names: rejected with the name error, never a crash.
    for (const weird of ['\u0000', 'a\u200bb', '𝒜', 'na\u0301me', '\ud800']) {
      const res = await rawCall(
        serve.url,
        'CreateSecret',
        JSON.stringify({ Name: weird, SecretString: 'v', ClientRequestToken: 'b'.repeat(32) }),
      );
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.__type, 'ValidationException');
    }
    await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: name })), { name: 'ResourceNotFoundException' });
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'fine' }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'fine');
  });
});

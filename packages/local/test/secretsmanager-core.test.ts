import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { type ServeProcess, startServe } from '../../../test-support/processes.ts';
import { rawCall, smClient, uniqueName } from './secretsmanager-support.ts';

const NOT_FOUND = { name: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." };
const MARKED = {
  name: 'InvalidRequestException',
  message: "You can't perform this operation on the secret because it was marked for deletion.",
};

describe('Secrets Manager core operations (SDK v3 against parasol serve)', () => {
  let serve: ServeProcess;
  let sm: SecretsManagerClient;
  before(async () => {
    serve = await startServe();
    sm = smClient(serve.url);
  });
  after(async () => {
    await serve.stop();
  });

  const stagesOf = async (id: string) => (await sm.send(new DescribeSecretCommand({ SecretId: id }))).VersionIdsToStages ?? {};

  it('creates a secret with a value: ARN with a 6-char suffix, VersionId = token, AWSCURRENT', async () => {
    const name = uniqueName();
    const token = randomUUID();
    const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 's3cr3t', ClientRequestToken: token }));
    assert.match(created.ARN!, new RegExp(`^arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-[A-Za-z0-9]{6}$`));
    assert.equal(created.Name, name);
    assert.equal(created.VersionId, token);
    const got = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(got.SecretString, 's3cr3t');
    assert.deepEqual(got.VersionStages, ['AWSCURRENT']);
    assert.equal(got.VersionId, token);
    assert.ok(got.CreatedDate instanceof Date);
  });

  it('creates a secret without a value: no VersionId, Describe has no VersionIdsToStages, Get says AWSCURRENT missing', async () => {
    const name = uniqueName();
    const created = await sm.send(new CreateSecretCommand({ Name: name, Description: '' }));
    assert.equal(created.VersionId, undefined);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(d.VersionIdsToStages, undefined);
    assert.equal(d.Description, undefined);
    assert.equal(d.Tags, undefined);
    assert.equal(d.RotationEnabled, undefined);
    assert.equal(d.KmsKeyId, undefined);
    assert.ok(d.CreatedDate && d.LastChangedDate);
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: name })), {
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    });
    // The first PutSecretValue on an empty secret gets AWSCURRENT even when VersionStages omits it.
    const put = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'first', VersionStages: ['custom'] }));
    assert.deepEqual([...put.VersionStages!].sort(), ['AWSCURRENT', 'custom']);
  });

  it('stores binary values as base64 on the wire and returns the same bytes', async () => {
    const name = uniqueName();
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    await sm.send(new CreateSecretCommand({ Name: name, SecretBinary: bytes }));
    const got = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.deepEqual(Buffer.from(got.SecretBinary!), Buffer.from(bytes));
    assert.equal(got.SecretString, undefined);
    const raw = await rawCall(serve.url, 'GetSecretValue', JSON.stringify({ SecretId: name }));
    assert.equal(raw.body.SecretBinary, Buffer.from(bytes).toString('base64'));
    assert.equal(typeof raw.body.CreatedDate, 'number');
  });

  it('finds a secret by name, full ARN and partial ARN; a wrong suffix is not found', async () => {
    const name = uniqueName();
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    for (const id of [name, ARN!, ARN!.slice(0, -7)]) {
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: id }))).ARN, ARN);
    }
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: `${ARN!.slice(0, -6)}zzzzzz` })), NOT_FOUND);
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: 'no-such-secret' })), NOT_FOUND);
  });

  it('keeps regions apart: a secret in us-east-1 is not found from eu-west-1', async () => {
    const name = uniqueName();
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const eu = smClient(serve.url, 'eu-west-1');
    await assert.rejects(eu.send(new GetSecretValueCommand({ SecretId: name })), NOT_FOUND);
    await eu.send(new CreateSecretCommand({ Name: name, SecretString: 'other' }));
    assert.equal((await eu.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'other');
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v');
  });

  it('rejects invalid names with AWS ValidationException text', async () => {
    for (const bad of ['has space', 'emoji-🔑', 'tab\tname', 'é']) {
      await assert.rejects(sm.send(new CreateSecretCommand({ Name: bad, SecretString: 'v' })), {
        name: 'ValidationException',
        message: 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      });
      await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: bad })), { name: 'ValidationException' });
    }
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: 'x'.repeat(513), SecretString: 'v' })), {
      name: 'ValidationException',
      message: /at 'name' failed to satisfy constraint: Member must have length less than or equal to 512/,
    });
  });

  it('enforces the 64 KiB value limit and never echoes the value', async () => {
    const name = uniqueName();
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: name, SecretString: 'Q'.repeat(65537) })), (e: Error) => {
      assert.equal(e.name, 'ValidationException');
      assert.match(e.message, /at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536/);
      assert.doesNotMatch(e.message, /QQQ/);
      return true;
    });
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'Q'.repeat(65536) }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString!.length, 65536);
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: uniqueName(), SecretString: 'a', SecretBinary: Buffer.from('b') })), {
      name: 'InvalidParameterException',
    });
  });

  it('moves AWSCURRENT/AWSPREVIOUS on PutSecretValue and deprecates the old AWSPREVIOUS', async () => {
    const name = uniqueName();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }))).VersionId!;
    const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }))).VersionId!;
    const p3 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'three' }));
    assert.deepEqual(p3.VersionStages, ['AWSCURRENT']);
    assert.deepEqual(await stagesOf(name), { [v2]: ['AWSPREVIOUS'], [p3.VersionId!]: ['AWSCURRENT'] });
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }))).SecretString, 'two');
    // v1 is deprecated: hidden unless IncludeDeprecated, still readable by id.
    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    assert.deepEqual(listed.Versions!.map((v) => v.VersionId).sort(), [v2, p3.VersionId!].sort());
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    const deprecated = all.Versions!.find((v) => v.VersionId === v1)!;
    assert.equal(deprecated.VersionStages, undefined);
    assert.deepEqual(deprecated.KmsKeyIds, ['DefaultEncryptionKey']);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 }))).SecretString, 'one');
  });

  it('PutSecretValue with custom stages moves only those labels and leaves AWSCURRENT alone', async () => {
    const name = uniqueName();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }))).VersionId!;
    const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two', VersionStages: ['one', 'two', 'three'] })))
      .VersionId!;
    const v3 = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'three', VersionStages: ['one', 'two', 'four'] })))
      .VersionId!;
    assert.deepEqual(await stagesOf(name), { [v1]: ['AWSCURRENT'], [v2]: ['three'], [v3]: ['one', 'two', 'four'] });
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'one');
    const v4 = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'four', VersionStages: ['AWSCURRENT', 'PUT0'] })))
      .VersionId!;
    const stages = await stagesOf(name);
    assert.deepEqual(stages[v4], ['AWSCURRENT', 'PUT0']);
    assert.deepEqual(stages[v1], ['AWSPREVIOUS']);
  });

  it('UpdateSecretVersionStage: AWSCURRENT move needs RemoveFromVersionId, gives AWSPREVIOUS, keeps AWSPENDING', async () => {
    const name = uniqueName();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }))).VersionId!;
    const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two', VersionStages: ['AWSPENDING'] })))
      .VersionId!;
    await assert.rejects(
      sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2 })),
      {
        name: 'InvalidParameterException',
        message: `The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version ${v1}, so you must explicitly reference that version in RemoveFromVersionId.`,
      },
    );
    const res = await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 }),
    );
    assert.deepEqual(
      Object.keys(res)
        .filter((k) => k !== '$metadata')
        .sort(),
      ['ARN', 'Name'],
    );
    assert.deepEqual(await stagesOf(name), { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSPENDING', 'AWSCURRENT'] });
    // Removing a label with only RemoveFromVersionId (what rotation's finishSecret does with AWSPENDING).
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSPENDING', RemoveFromVersionId: v2 }));
    assert.deepEqual(await stagesOf(name), { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });
    // Moving a custom label leaves AWSPREVIOUS where it is.
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'blue', MoveToVersionId: v1 }));
    await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'blue', MoveToVersionId: v2, RemoveFromVersionId: v1 }),
    );
    assert.deepEqual(await stagesOf(name), { [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT', 'blue'] });
    await assert.rejects(
      sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'blue', MoveToVersionId: 'f'.repeat(32) })),
      { name: 'InvalidParameterException' },
    );
  });

  it('GetSecretValue by VersionId/VersionStage and their errors', async () => {
    const name = uniqueName();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }))).VersionId!;
    await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));
    const missing = 'a'.repeat(32);
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: missing })), {
      name: 'ResourceNotFoundException',
      message: `Secrets Manager can't find the specified secret value for VersionId: ${missing}`,
    });
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })), {
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    });
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1, VersionStage: 'AWSCURRENT' })), {
      name: 'InvalidRequestException',
      message: 'You provided a VersionStage that is not associated to the provided VersionId.',
    });
    const ok = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1, VersionStage: 'AWSPREVIOUS' }));
    assert.equal(ok.SecretString, 'one');
  });

  it('sets LastAccessedDate at day resolution on the secret and the version read', async () => {
    const name = uniqueName();
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).LastAccessedDate, undefined);
    await sm.send(new GetSecretValueCommand({ SecretId: name }));
    const raw = await rawCall(serve.url, 'DescribeSecret', JSON.stringify({ SecretId: name }));
    const day = raw.body.LastAccessedDate as number;
    assert.equal(day % 86400, 0);
    assert.ok(Math.abs(Date.now() / 1000 - day) < 86400 + 60);
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    assert.equal(versions.Versions![0].LastAccessedDate!.getTime() / 1000, day);
    // Timestamps are epoch seconds with a millisecond fraction.
    assert.equal(typeof raw.body.CreatedDate, 'number');
    assert.ok(Number.isFinite(raw.body.LastChangedDate));
  });

  it('ClientRequestToken idempotency on Create, Put and Update', async () => {
    const name = uniqueName();
    const token = randomUUID();
    const first = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v', ClientRequestToken: token }));
    const again = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v', ClientRequestToken: token }));
    assert.equal(again.ARN, first.ARN);
    assert.equal(again.VersionId, token);
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v' })), {
      name: 'ResourceExistsException',
      message: `The operation failed because the secret ${name} already exists.`,
    });
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: name, SecretString: 'other', ClientRequestToken: token })), {
      name: 'ResourceExistsException',
      message: `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${first.ARN}.`,
    });
    const putToken = randomUUID();
    const put1 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'p', ClientRequestToken: putToken }));
    const put2 = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'p', ClientRequestToken: putToken }));
    assert.deepEqual(put2.VersionStages, put1.VersionStages);
    assert.equal(put2.VersionId, putToken);
    await assert.rejects(sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'q', ClientRequestToken: putToken })), {
      name: 'ResourceExistsException',
    });
    const upd = await sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'p', ClientRequestToken: putToken }));
    assert.equal(upd.VersionId, putToken);
    await assert.rejects(sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'zz', ClientRequestToken: putToken })), {
      name: 'ResourceExistsException',
    });
    // Retries changed nothing: 2 labelled versions (token, putToken).
    assert.deepEqual(await stagesOf(name), { [token]: ['AWSPREVIOUS'], [putToken]: ['AWSCURRENT'] });
  });

  it('raw callers without ClientRequestToken get AWS InvalidRequestException', async () => {
    const name = uniqueName();
    for (const [op, body] of [
      ['CreateSecret', { Name: name, SecretString: 'v' }],
      ['PutSecretValue', { SecretId: name, SecretString: 'v' }],
      ['UpdateSecret', { SecretId: name, SecretString: 'v' }],
    ] as const) {
      const res = await rawCall(serve.url, op, JSON.stringify(body));
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, {
        __type: 'InvalidRequestException',
        Message: 'You must provide a ClientRequestToken value. We recommend a UUID-type value.',
      });
    }
    await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: name })), NOT_FOUND);
  });

  it('UpdateSecret: value → new AWSCURRENT version; metadata only → no VersionId; KmsKeyId shown unless default', async () => {
    const name = uniqueName();
    const v1 = (await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'one', KmsKeyId: 'alias/first' }))).VersionId!;
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId, 'alias/first');
    const meta = await sm.send(new UpdateSecretCommand({ SecretId: name, Description: 'described', KmsKeyId: 'alias/second' }));
    assert.equal(meta.VersionId, undefined);
    // The AWSCURRENT version was re-encrypted under the new key and still reads back.
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'one');
    const resealed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    assert.deepEqual(resealed.Versions!.find((v) => v.VersionId === v1)!.KmsKeyIds, ['alias/second']);
    const withValue = await sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'two', KmsKeyId: '' }));
    assert.ok(withValue.VersionId);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    assert.equal(d.Description, 'described');
    assert.equal(d.KmsKeyId, undefined);
    assert.deepEqual(d.VersionIdsToStages, { [v1]: ['AWSPREVIOUS'], [withValue.VersionId!]: ['AWSCURRENT'] });
    // KmsKeyId '' = back to the default key: AWSCURRENT (then v1) was re-encrypted again before v2 was added.
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    assert.deepEqual(versions.Versions!.find((v) => v.VersionId === v1)!.KmsKeyIds, ['DefaultEncryptionKey']);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 }))).SecretString, 'one');
    await assert.rejects(sm.send(new PutSecretValueCommand({ SecretId: name })), {
      name: 'InvalidRequestException',
      message: 'You must provide either SecretString or SecretBinary.',
    });
  });

  it('tags: absent until set, overwrite by key, [] after removing all, idempotent untag', async () => {
    const name = uniqueName();
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    await sm.send(
      new TagResourceCommand({
        SecretId: name,
        Tags: [
          { Key: 'env', Value: 'dev' },
          { Key: 'team', Value: 'a' },
        ],
      }),
    );
    await sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'env', Value: 'prod' }] }));
    assert.deepEqual((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Tags, [
      { Key: 'env', Value: 'prod' },
      { Key: 'team', Value: 'a' },
    ]);
    await sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['env', 'team', 'missing'] }));
    assert.deepEqual((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Tags, []);
  });

  it('delete lifecycle: window, marked-for-deletion errors, restore, force, recreate gives a new suffix', async () => {
    const name = uniqueName();
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    for (const days of [6, 31]) {
      await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: days })), {
        name: 'InvalidParameterException',
        message: 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
      });
    }
    await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })), {
      name: 'InvalidParameterException',
      message: "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    });
    const before = Date.now();
    const del = await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    assert.equal(del.ARN, ARN);
    const dueDays = (del.DeletionDate!.getTime() - before) / 86_400_000;
    assert.ok(dueDays > 6.99 && dueDays < 7.01, `deletion in ${dueDays} days`);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    assert.ok(d.DeletedDate);
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: name })), MARKED);
    await assert.rejects(sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'x' })), MARKED);
    await assert.rejects(sm.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'a', Value: 'b' }] })), MARKED);
    await assert.rejects(sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['a'] })), MARKED);
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v' })), {
      name: 'InvalidRequestException',
      message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
    });
    await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: name })), { name: 'InvalidRequestException' });
    const restored = await sm.send(new RestoreSecretCommand({ SecretId: name }));
    assert.equal(restored.ARN, ARN);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'v');
    // Force delete works on a scheduled secret too, and is immediate.
    await sm.send(new DeleteSecretCommand({ SecretId: name }));
    await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    await assert.rejects(sm.send(new DescribeSecretCommand({ SecretId: name })), NOT_FOUND);
    const again = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v2' }));
    assert.notEqual(again.ARN, ARN);
    // Force-deleting a secret that does not exist answers as if it did.
    const ghost = await sm.send(new DeleteSecretCommand({ SecretId: 'never-existed', ForceDeleteWithoutRecovery: true }));
    assert.equal(ghost.Name, 'never-existed');
    assert.ok(ghost.ARN && ghost.DeletionDate);
    await assert.rejects(sm.send(new DeleteSecretCommand({ SecretId: 'never-existed' })), NOT_FOUND);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  type Filter,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  paginateListSecrets,
  paginateListSecretVersionIds,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type ServeProcess, startServe } from '../../../test-support/processes.ts';
import { rawCall, smClient } from './secretsmanager-support.ts';

/** Each test lists in its own region, so the secrets of one never show in another. */
describe('ListSecrets, filters, pagination and BatchGetSecretValue (SDK v3)', () => {
  let serve: ServeProcess;
  let regionCounter = 0;
  before(async () => {
    serve = await startServe();
  });
  after(async () => {
    await serve.stop();
  });
  const freshRegion = () => smClient(serve.url, `ap-test-${++regionCounter}`);
  const names = async (sm: SecretsManagerClient, filters: Filter[]) =>
    ((await sm.send(new ListSecretsCommand({ Filters: filters }))).SecretList ?? []).map((s) => s.Name).sort();

  it('lists oldest first with SecretVersionsToStages, sorts by name/created, hides planned deletions', async () => {
    const sm = freshRegion();
    for (const n of ['b-secret', 'a-secret', 'c-secret'])
      await sm.send(new CreateSecretCommand({ Name: n, SecretString: 'v', Description: `about ${n}` }));
    const list = await sm.send(new ListSecretsCommand({}));
    assert.deepEqual(
      list.SecretList!.map((s) => s.Name),
      ['b-secret', 'a-secret', 'c-secret'],
    );
    const entry = list.SecretList![0];
    assert.ok(entry.SecretVersionsToStages && Object.values(entry.SecretVersionsToStages)[0][0] === 'AWSCURRENT');
    assert.equal(entry.Description, 'about b-secret');
    assert.equal(list.NextToken, undefined);
    const byName = await sm.send(new ListSecretsCommand({ SortBy: 'name', SortOrder: 'desc' }));
    assert.deepEqual(
      byName.SecretList!.map((s) => s.Name),
      ['c-secret', 'b-secret', 'a-secret'],
    );
    const newest = await sm.send(new ListSecretsCommand({ SortOrder: 'desc' }));
    assert.deepEqual(
      newest.SecretList!.map((s) => s.Name),
      ['c-secret', 'a-secret', 'b-secret'],
    );
    await sm.send(new DeleteSecretCommand({ SecretId: 'a-secret' }));
    assert.deepEqual(
      (await sm.send(new ListSecretsCommand({}))).SecretList!.map((s) => s.Name),
      ['b-secret', 'c-secret'],
    );
    const withPlanned = await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    assert.ok(withPlanned.SecretList!.find((s) => s.Name === 'a-secret')!.DeletedDate);
  });

  it('paginates through paginateListSecrets: every secret exactly once', async () => {
    const sm = freshRegion();
    const created: string[] = [];
    for (let i = 0; i < 23; i++) {
      const n = `page/secret-${String(i).padStart(2, '0')}`;
      created.push(n);
      await sm.send(new CreateSecretCommand({ Name: n }));
    }
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListSecrets({ client: sm, pageSize: 5 }, {})) {
      pages++;
      assert.ok(page.SecretList!.length <= 5);
      seen.push(...page.SecretList!.map((s) => s.Name!));
    }
    assert.equal(pages, 5);
    assert.deepEqual(seen, created);
    await assert.rejects(sm.send(new ListSecretsCommand({ NextToken: 'garbage' })), {
      name: 'InvalidNextTokenException',
    });
    await assert.rejects(sm.send(new ListSecretsCommand({ MaxResults: 101 })), {
      name: 'ValidationException',
      // (shape.ts prints numbers unquoted; AWS quotes them: reported to the lead.)
      message:
        /^1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100$/,
    });
  });

  it('ListSecretVersionIds paginates too', async () => {
    const sm = freshRegion();
    await sm.send(new CreateSecretCommand({ Name: 'versions', SecretString: '0' }));
    for (let i = 1; i < 6; i++)
      await sm.send(new PutSecretValueCommand({ SecretId: 'versions', SecretString: String(i), VersionStages: [`L${i}`] }));
    const ids: string[] = [];
    for await (const page of paginateListSecretVersionIds({ client: sm, pageSize: 2 }, { SecretId: 'versions' })) {
      ids.push(...page.Versions!.map((v) => v.VersionId!));
      assert.equal(page.Name, 'versions');
    }
    assert.equal(ids.length, 6);
    assert.equal(new Set(ids).size, 6);
    const first = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'versions', MaxResults: 1 }));
    assert.ok(first.NextToken);
  });

  it('name filter: case-sensitive prefix, negation, no word splitting', async () => {
    const sm = freshRegion();
    for (const n of ['/slash/one', 'testing1', 'Testing2', 'other']) await sm.send(new CreateSecretCommand({ Name: n }));
    assert.deepEqual(await names(sm, [{ Key: 'name', Values: ['/'] }]), ['/slash/one']);
    assert.deepEqual(await names(sm, [{ Key: 'name', Values: ['!/'] }]), ['Testing2', 'other', 'testing1']);
    assert.deepEqual(await names(sm, [{ Key: 'name', Values: ['test'] }]), ['testing1']);
    assert.deepEqual(await names(sm, [{ Key: 'name', Values: ['testing1 one'] }]), []);
    // Values in one filter are OR'ed; separate filters are AND'ed.
    assert.deepEqual(await names(sm, [{ Key: 'name', Values: ['test', 'Test'] }]), ['Testing2', 'testing1']);
    assert.deepEqual(
      await names(sm, [
        { Key: 'name', Values: ['test', 'Test'] },
        { Key: 'name', Values: ['!T'] },
      ]),
      ['testing1'],
    );
  });

  it('description filter is word-based and case-insensitive', async () => {
    const sm = freshRegion();
    const descriptions = { s1: 'a secret', s2: 'an secret', s3: 'asecret', s4: 'thesecret', s5: 'one two', s6: 'One plus Two' };
    for (const [n, d] of Object.entries(descriptions)) await sm.send(new CreateSecretCommand({ Name: n, Description: d }));
    assert.deepEqual(await names(sm, [{ Key: 'description', Values: ['a'] }]), ['s1', 's2', 's3']);
    assert.deepEqual(await names(sm, [{ Key: 'description', Values: ['a secret'] }]), ['s1', 's2']);
    assert.deepEqual(await names(sm, [{ Key: 'description', Values: ['one two'] }]), ['s5', 's6']);
    assert.deepEqual(
      await names(sm, [
        { Key: 'description', Values: ['A'] },
        { Key: 'name', Values: ['secret'] },
      ]),
      [],
    );
  });

  it('all filter: words split on punctuation and case changes, prefix-matched', async () => {
    const sm = freshRegion();
    for (const n of ['SecretOne', 'Thirdsecret', 'uat/COMPANYthings/x', 'MyTest+plus']) await sm.send(new CreateSecretCommand({ Name: n }));
    assert.deepEqual(await names(sm, [{ Key: 'all', Values: ['sec'] }]), ['SecretOne']);
    assert.deepEqual(await names(sm, [{ Key: 'all', Values: ['Secret'] }]), ['SecretOne']);
    for (const none of ['ret', 'pany', 'things', '+']) assert.deepEqual(await names(sm, [{ Key: 'all', Values: [none] }]), [], none);
    assert.deepEqual(await names(sm, [{ Key: 'all', Values: ['Ythings'] }]), ['uat/COMPANYthings/x']);
    assert.deepEqual(await names(sm, [{ Key: 'all', Values: ['my test'] }]), ['MyTest+plus']);
  });

  it('tag-key and tag-value filters; bad filters are refused', async () => {
    const sm = freshRegion();
    await sm.send(new CreateSecretCommand({ Name: 'tagged', Tags: [{ Key: 'Environment', Value: 'production' }] }));
    await sm.send(new CreateSecretCommand({ Name: 'untagged' }));
    assert.deepEqual(await names(sm, [{ Key: 'tag-key', Values: ['Env'] }]), ['tagged']);
    assert.deepEqual(await names(sm, [{ Key: 'tag-key', Values: ['env'] }]), []);
    assert.deepEqual(await names(sm, [{ Key: 'tag-value', Values: ['prod'] }]), ['tagged']);
    assert.deepEqual(await names(sm, [{ Key: 'tag-key', Values: ['!Env'] }]), ['untagged']);
    assert.deepEqual(await names(sm, [{ Key: 'all', Values: ['PRODUCTION'] }]), ['tagged']);
    const bad = await rawCall(serve.url, 'ListSecrets', JSON.stringify({ Filters: [{ Key: 'colour', Values: ['x'] }] }));
    assert.equal(bad.body.__type, 'ValidationException');
    assert.match(
      bad.body.Message as string,
      /at 'filters\.1\.member\.key' failed to satisfy constraint: Member must satisfy enum value set/,
    );
    // The member's pattern is quoted as the model writes it, on the list of values.
    await assert.rejects(sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['bad*char'] }] })), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[bad*char]' at 'filters.1.member.values' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 512, Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$]",
    });
    await assert.rejects(sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name' }] })), {
      name: 'InvalidParameterException',
      message: 'Invalid filter values for key: name',
    });
  });

  it('BatchGetSecretValue by id list (per-secret errors) and by filter (paginated)', async () => {
    const sm = freshRegion();
    for (const n of ['batch/a', 'batch/b', 'batch/c']) await sm.send(new CreateSecretCommand({ Name: n, SecretString: `value-of-${n}` }));
    await sm.send(new CreateSecretCommand({ Name: 'batch/empty' }));
    const byIds = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['batch/a', 'batch/missing', 'batch/empty'] }));
    assert.deepEqual(
      byIds.SecretValues!.map((v) => [v.Name, v.SecretString]),
      [['batch/a', 'value-of-batch/a']],
    );
    assert.deepEqual(
      byIds.Errors!.map((e) => [e.SecretId, e.ErrorCode]),
      [
        ['batch/missing', 'ResourceNotFoundException'],
        ['batch/empty', 'ResourceNotFoundException'],
      ],
    );
    const first = await sm.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['batch/'] }], MaxResults: 2 }));
    assert.equal(first.SecretValues!.length, 2);
    assert.ok(first.NextToken);
    const second = await sm.send(
      new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['batch/'] }], MaxResults: 2, NextToken: first.NextToken }),
    );
    assert.equal(second.NextToken, undefined);
    assert.deepEqual(
      [...first.SecretValues!, ...second.SecretValues!].map((v) => v.Name),
      ['batch/a', 'batch/b', 'batch/c'],
    );
    assert.equal(second.Errors!.length, 1); // batch/empty has no value
    await assert.rejects(sm.send(new BatchGetSecretValueCommand({})), {
      name: 'InvalidParameterException',
      message: "Either 'SecretIdList' or 'Filters' must be provided, but not both.",
    });
    await assert.rejects(sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['batch/a'], MaxResults: 2 })), {
      name: 'InvalidParameterException',
      message: "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
    });
  });
});

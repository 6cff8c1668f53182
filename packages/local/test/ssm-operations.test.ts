import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  paginateDescribeParameters,
  paginateGetParameterHistory,
  paginateGetParametersByPath,
  RemoveTagsFromResourceCommand,
  SendCommandCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  SSMClient,
  type SSMClientResolvedConfig,
  UnlabelParameterVersionCommand,
} from '@aws-sdk/client-ssm';
import type { Command } from '@smithy/types';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.ts';

/** Every Parameter Store operation through @aws-sdk/client-ssm against `parasol serve` over a real socket. */
describe('Parameter Store operations (SDK v3, parasol serve)', () => {
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

  const put = (input: ConstructorParameters<typeof PutParameterCommand>[0]) => ssm.send(new PutParameterCommand(input));
  const get = (Name: string, WithDecryption?: boolean) => ssm.send(new GetParameterCommand({ Name, WithDecryption }));

  it('creates a String parameter and reads it back by name and by ARN', async () => {
    const created = await put({ Name: '/app/db/host', Value: 'db.internal', Type: 'String', Description: 'database host' });
    assert.deepEqual({ Version: created.Version, Tier: created.Tier }, { Version: 1, Tier: 'Standard' });
    const { Parameter } = await get('/app/db/host');
    assert.equal(Parameter?.Name, '/app/db/host');
    assert.equal(Parameter?.Type, 'String');
    assert.equal(Parameter?.Value, 'db.internal');
    assert.equal(Parameter?.Version, 1);
    assert.equal(Parameter?.DataType, 'text');
    assert.equal(Parameter?.ARN, 'arn:aws:ssm:us-east-1:123456789012:parameter/app/db/host');
    assert.ok(Parameter?.LastModifiedDate instanceof Date);
    assert.equal(Parameter?.Selector, undefined);
    const byArn = await get(Parameter!.ARN!);
    assert.equal(byArn.Parameter?.Name, '/app/db/host');
    assert.equal(byArn.Parameter?.Value, 'db.internal');
  });

  it('treats /name and name as the same single-level parameter', async () => {
    await put({ Name: 'plain', Value: 'v1', Type: 'String' });
    assert.equal((await get('/plain')).Parameter?.Value, 'v1');
    await assert.rejects(put({ Name: '/plain', Value: 'v2', Type: 'String' }), { name: 'ParameterAlreadyExists' });
    assert.equal((await get('/plain')).Parameter?.ARN, 'arn:aws:ssm:us-east-1:123456789012:parameter/plain');
    await ssm.send(new DeleteParameterCommand({ Name: '/plain' }));
    await assert.rejects(get('plain'), { name: 'ParameterNotFound' });
  });

  it('answers GetParameter on a missing name with ParameterNotFound and the empty message AWS sends', async () => {
    const res = await fetchRaw(new GetParameterCommand({ Name: '/nope' }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { __type: 'ParameterNotFound', message: '' });
    await assert.rejects(get('/nope'), { name: 'ParameterNotFound' });
  });

  it('puts the message under the key each SSM error shape has on the wire', async () => {
    await put({ Name: '/wire/p', Value: 'v', Type: 'String' });
    const exists = await fetchRaw(new PutParameterCommand({ Name: '/wire/p', Value: 'v', Type: 'String' }));
    assert.equal(exists.status, 400);
    assert.deepEqual(Object.keys(exists.body as object).sort(), ['__type', 'message']);
    assert.equal((exists.body as { __type: string }).__type, 'ParameterAlreadyExists');
    const token = await fetchRaw(new GetParameterHistoryCommand({ Name: '/wire/p', NextToken: 'x' }));
    assert.deepEqual(token.body, { __type: 'InvalidNextToken', Message: "The specified token isn't valid." });
    const invalid = await fetchRaw(new GetParametersByPathCommand({ Path: '/wire', MaxResults: 0 }));
    assert.equal((invalid.body as { __type: string }).__type, 'ValidationException');
    assert.ok('Message' in (invalid.body as object));
    const ok = await fetchRaw(new DeleteParameterCommand({ Name: '/wire/p' }));
    assert.deepEqual(ok, { status: 200, body: {} });
  });

  it('keeps StringList values as given', async () => {
    await put({ Name: '/app/hosts', Value: 'a,b,c', Type: 'StringList' });
    const { Parameter } = await get('/app/hosts');
    assert.equal(Parameter?.Type, 'StringList');
    assert.equal(Parameter?.Value, 'a,b,c');
  });

  it('returns SecureString ciphertext without WithDecryption and the plaintext with it', async () => {
    await put({ Name: '/app/db/password', Value: 'hunter2-very-secret', Type: 'SecureString' });
    const sealed = await get('/app/db/password');
    assert.equal(sealed.Parameter?.Type, 'SecureString');
    assert.notEqual(sealed.Parameter?.Value, 'hunter2-very-secret');
    assert.ok(!Buffer.from(sealed.Parameter!.Value!, 'base64').toString('latin1').includes('hunter2'));
    assert.match(sealed.Parameter!.Value!, /^[A-Za-z0-9+/]+=*$/);
    const open = await get('/app/db/password', true);
    assert.equal(open.Parameter?.Value, 'hunter2-very-secret');
    const meta = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/app/db/password'] }] }));
    assert.equal(meta.Parameters?.[0].KeyId, 'alias/aws/ssm');
  });

  it('overwrites only with Overwrite, keeping omitted attributes, and counts versions', async () => {
    await put({ Name: '/ow/p', Value: 'one', Type: 'SecureString', KeyId: 'alias/custom', Description: 'd', AllowedPattern: '[a-z]+' });
    await assert.rejects(put({ Name: '/ow/p', Value: 'two', Type: 'SecureString' }), (e: Error & { message: string }) => {
      assert.equal(e.name, 'ParameterAlreadyExists');
      assert.match(e.message, /set the overwrite option/);
      return true;
    });
    const second = await put({ Name: '/ow/p', Value: 'two', Overwrite: true });
    assert.equal(second.Version, 2);
    const d = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/ow/p'] }] }));
    const meta = d.Parameters![0];
    assert.equal(meta.Type, 'SecureString');
    assert.equal(meta.KeyId, 'alias/custom');
    assert.equal(meta.Description, 'd');
    assert.equal(meta.AllowedPattern, '[a-z]+');
    assert.equal(meta.Version, 2);
    assert.equal(meta.Tier, 'Standard');
    assert.deepEqual(meta.Policies, []);
    assert.match(meta.LastModifiedUser!, /^arn:aws:iam::123456789012:/);
    assert.equal((await get('/ow/p', true)).Parameter?.Value, 'two');
    // The kept AllowedPattern still applies to later values.
    await assert.rejects(put({ Name: '/ow/p', Value: 'THREE', Overwrite: true }), { name: 'ParameterPatternMismatchException' });
    await assert.rejects(put({ Name: '/ow/p', Value: 'x', Type: 'String', Overwrite: true }), { name: 'HierarchyTypeMismatchException' });
    await put({ Name: 'flat', Value: 'x', Type: 'String' });
    await assert.rejects(put({ Name: 'flat', Value: 'x', Type: 'SecureString', Overwrite: true }), {
      name: 'HierarchyTypeMismatchException',
    });
    assert.equal((await put({ Name: 'flat', Value: 'y', Type: 'String', Overwrite: true })).Version, 2);
  });

  it('refuses tags together with Overwrite', async () => {
    await assert.rejects(
      put({ Name: '/ow/tagged', Value: 'x', Type: 'String', Overwrite: true, Tags: [{ Key: 'k', Value: 'v' }] }),
      (e: Error) => e.name === 'ValidationException' && /tags and overwrite can't be used together/.test(e.message),
    );
  });

  it('reads versions and labels through selectors, with a leading-colon Selector', async () => {
    await put({ Name: '/sel/p', Value: 'v1', Type: 'String' });
    await put({ Name: '/sel/p', Value: 'v2', Type: 'String', Overwrite: true });
    await put({ Name: '/sel/p', Value: 'v3', Type: 'String', Overwrite: true });
    const v1 = await get('/sel/p:1');
    assert.equal(v1.Parameter?.Value, 'v1');
    assert.equal(v1.Parameter?.Version, 1);
    assert.equal(v1.Parameter?.Selector, ':1');
    assert.equal(v1.Parameter?.Name, '/sel/p');
    await assert.rejects(get('/sel/p:9'), { name: 'ParameterVersionNotFound' });
    await assert.rejects(get('/sel/p:1:2'), { name: 'ParameterNotFound' });

    const labelled = await ssm.send(
      new LabelParameterVersionCommand({ Name: '/sel/p', ParameterVersion: 2, Labels: ['prod', '1bad', 'awsx'] }),
    );
    assert.deepEqual(labelled.InvalidLabels, ['1bad', 'awsx']);
    assert.equal(labelled.ParameterVersion, 2);
    const prod = await get('/sel/p:prod');
    assert.equal(prod.Parameter?.Value, 'v2');
    assert.equal(prod.Parameter?.Selector, ':prod');
    await assert.rejects(get('/sel/p:staging'), { name: 'ParameterNotFound' });

    // A label lives on one version: labelling the latest moves it.
    const moved = await ssm.send(new LabelParameterVersionCommand({ Name: '/sel/p', Labels: ['prod'] }));
    assert.equal(moved.ParameterVersion, 3);
    assert.equal((await get('/sel/p:prod')).Parameter?.Value, 'v3');

    const byArn = await get('arn:aws:ssm:us-east-1:123456789012:parameter/sel/p:1');
    assert.equal(byArn.Parameter?.Value, 'v1');

    const many = await ssm.send(new GetParametersCommand({ Names: ['/sel/p:prod', '/sel/p:1', '/sel/p:7', '/missing'] }));
    assert.deepEqual(
      many.Parameters?.map((p) => [p.Name, p.Value, p.Selector]),
      [
        ['/sel/p', 'v3', ':prod'],
        ['/sel/p', 'v1', ':1'],
      ],
    );
    assert.deepEqual(many.InvalidParameters, ['/sel/p:7', '/missing']);
  });

  it('limits a version to ten labels and removes labels with UnlabelParameterVersion', async () => {
    await put({ Name: '/lab/p', Value: 'v1', Type: 'String' });
    const ten = Array.from({ length: 10 }, (_, i) => `l${i}`);
    await ssm.send(new LabelParameterVersionCommand({ Name: '/lab/p', Labels: ten }));
    await assert.rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/lab/p', Labels: ['eleventh'] })), {
      name: 'ParameterVersionLabelLimitExceeded',
    });
    await assert.rejects(get('/lab/p:eleventh'), { name: 'ParameterNotFound' });
    await assert.rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/lab/p', ParameterVersion: 5, Labels: ['x'] })), {
      name: 'ParameterVersionNotFound',
    });
    await assert.rejects(ssm.send(new LabelParameterVersionCommand({ Name: '/lab/none', Labels: ['x'] })), { name: 'ParameterNotFound' });
    const un = await ssm.send(new UnlabelParameterVersionCommand({ Name: '/lab/p', ParameterVersion: 1, Labels: ['l0', 'l1', 'zz'] }));
    assert.deepEqual(un.RemovedLabels, ['l0', 'l1']);
    assert.deepEqual(un.InvalidLabels, ['zz']);
    await assert.rejects(get('/lab/p:l0'), { name: 'ParameterNotFound' });
  });

  it('lists history oldest first with labels, and pages through it', async () => {
    await put({ Name: '/hist/p', Value: 'h1', Type: 'SecureString', Description: 'first' });
    for (let i = 2; i <= 7; i++) await put({ Name: '/hist/p', Value: `h${i}`, Overwrite: true });
    await ssm.send(new LabelParameterVersionCommand({ Name: '/hist/p', ParameterVersion: 3, Labels: ['three', 'trois'] }));
    const pages: number[] = [];
    const all = [];
    for await (const page of paginateGetParameterHistory({ client: ssm, pageSize: 3 }, { Name: '/hist/p', WithDecryption: true })) {
      pages.push(page.Parameters?.length ?? 0);
      all.push(...(page.Parameters ?? []));
    }
    assert.deepEqual(pages, [3, 3, 1]);
    assert.deepEqual(
      all.map((h) => h.Version),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.deepEqual(
      all.map((h) => h.Value),
      ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'],
    );
    assert.deepEqual(all[2].Labels, ['three', 'trois']);
    assert.deepEqual(all[0].Labels, []);
    assert.equal(all[0].Description, 'first');
    assert.equal(all[0].KeyId, 'alias/aws/ssm');
    assert.equal(all[0].Tier, 'Standard');
    const sealed = await ssm.send(new GetParameterHistoryCommand({ Name: '/hist/p', MaxResults: 1 }));
    assert.notEqual(sealed.Parameters?.[0].Value, 'h1');
    await assert.rejects(ssm.send(new GetParameterHistoryCommand({ Name: '/hist/none' })), { name: 'ParameterNotFound' });
    await assert.rejects(ssm.send(new GetParameterHistoryCommand({ Name: '/hist/p', NextToken: 'garbage' })), { name: 'InvalidNextToken' });
  });

  it('gets parameters by path, one level or recursive, with filters and paging', async () => {
    await put({ Name: '/tree/a', Value: '1', Type: 'String' });
    await put({ Name: '/tree/b', Value: '2', Type: 'SecureString' });
    await put({ Name: '/tree/sub/c', Value: '3', Type: 'String' });
    await put({ Name: '/tree/sub/deeper/d', Value: '4', Type: 'StringList' });
    await put({ Name: '/treex/e', Value: '5', Type: 'String' });
    const names = async (input: ConstructorParameters<typeof GetParametersByPathCommand>[0]) => {
      const out: string[] = [];
      for await (const page of paginateGetParametersByPath({ client: ssm, pageSize: 2 }, input)) {
        out.push(...(page.Parameters ?? []).map((p) => p.Name!));
      }
      return out;
    };
    assert.deepEqual(await names({ Path: '/tree' }), ['/tree/a', '/tree/b']);
    assert.deepEqual(await names({ Path: '/tree/', Recursive: true }), ['/tree/a', '/tree/b', '/tree/sub/c', '/tree/sub/deeper/d']);
    assert.deepEqual(await names({ Path: '/tree', Recursive: true, ParameterFilters: [{ Key: 'Type', Values: ['String'] }] }), [
      '/tree/a',
      '/tree/sub/c',
    ]);
    assert.deepEqual(
      await names({ Path: '/tree', Recursive: true, ParameterFilters: [{ Key: 'Type', Option: 'BeginsWith', Values: ['StringL'] }] }),
      ['/tree/sub/deeper/d'],
    );
    assert.deepEqual(await names({ Path: '/tree', ParameterFilters: [{ Key: 'KeyId', Values: ['alias/aws/ssm'] }] }), ['/tree/b']);

    await put({ Name: '/tree/a', Value: '1b', Type: 'String', Overwrite: true });
    await ssm.send(new LabelParameterVersionCommand({ Name: '/tree/a', ParameterVersion: 1, Labels: ['golden'] }));
    const labelled = await ssm.send(
      new GetParametersByPathCommand({ Path: '/tree', Recursive: true, ParameterFilters: [{ Key: 'Label', Values: ['golden'] }] }),
    );
    assert.deepEqual(
      labelled.Parameters?.map((p) => [p.Name, p.Value, p.Version]),
      [['/tree/a', '1', 1]],
    );

    const decrypted = await ssm.send(new GetParametersByPathCommand({ Path: '/tree', WithDecryption: true }));
    assert.equal(decrypted.Parameters?.find((p) => p.Name === '/tree/b')?.Value, '2');

    await assert.rejects(
      ssm.send(new GetParametersByPathCommand({ Path: '/tree', ParameterFilters: [{ Key: 'Name', Values: ['x'] }] })),
      (e: Error) => e.name === 'InvalidFilterKey' && /The following filter key is not valid: Name/.test(e.message),
    );
    await assert.rejects(
      ssm.send(
        new GetParametersByPathCommand({ Path: '/tree', ParameterFilters: [{ Key: 'Label', Option: 'BeginsWith', Values: ['g'] }] }),
      ),
      { name: 'InvalidFilterOption' },
    );
    await assert.rejects(ssm.send(new GetParametersByPathCommand({ Path: '/tree', MaxResults: 11 })), (e: Error) => {
      assert.equal(e.name, 'ValidationException');
      assert.match(e.message, /Value '?11'? at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10/);
      return true;
    });
    await assert.rejects(ssm.send(new GetParametersByPathCommand({ Path: '/tree', NextToken: 'bm90IGEgdG9rZW4' })), {
      name: 'InvalidNextToken',
    });
  });

  it('pages best-effort: a request scans at most 1,000 parameters, returning a NextToken even with an empty page', async () => {
    const names = Array.from({ length: 1100 }, (_, i) => `/bulk/p${String(i).padStart(4, '0')}`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < names.length) {
          const i = next++;
          await put({ Name: names[i], Value: `v${i}`, Type: i % 1000 === 999 ? 'SecureString' : 'String' });
        }
      }),
    );
    const filter = { Path: '/bulk', ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }] };
    const first = await ssm.send(new GetParametersByPathCommand({ ...filter, MaxResults: 10 }));
    assert.deepEqual(
      first.Parameters?.map((p) => p.Name),
      ['/bulk/p0999'],
    );
    assert.ok(first.NextToken, 'a NextToken after the scan budget');
    const pages: number[] = [];
    const found: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: ssm, pageSize: 10 }, filter)) {
      pages.push(page.Parameters?.length ?? 0);
      found.push(...(page.Parameters ?? []).map((p) => p.Name!));
    }
    assert.deepEqual(found, ['/bulk/p0999']);
    assert.ok(pages.length >= 2);
    // Without filters every page is full.
    let total = 0;
    for await (const page of paginateGetParametersByPath({ client: ssm, pageSize: 10 }, { Path: '/bulk' })) {
      assert.ok((page.Parameters?.length ?? 0) === 10 || !page.NextToken);
      total += page.Parameters?.length ?? 0;
    }
    assert.equal(total, 1100);
    const described = [];
    for await (const page of paginateDescribeParameters(
      { client: ssm, pageSize: 50 },
      { ParameterFilters: [{ Key: 'Path', Values: ['/bulk'] }] },
    )) {
      described.push(...(page.Parameters ?? []));
    }
    assert.equal(described.length, 1100);
  });

  it('describes parameters with ParameterFilters, legacy Filters and paging', async () => {
    await put({ Name: '/desc/one', Value: '1', Type: 'String', Tags: [{ Key: 'team', Value: 'core' }] });
    await put({ Name: '/desc/two', Value: '2', Type: 'SecureString', Tier: 'Advanced' });
    await put({ Name: '/desc/deep/three', Value: '3', Type: 'StringList', Tags: [{ Key: 'team', Value: 'edge' }] });
    const names = async (input: ConstructorParameters<typeof DescribeParametersCommand>[0]) => {
      const out: string[] = [];
      for await (const page of paginateDescribeParameters({ client: ssm, pageSize: 1 }, input ?? {})) {
        out.push(...(page.Parameters ?? []).map((p) => p.Name!));
      }
      return out;
    };
    assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Path', Values: ['/desc'] }] }), ['/desc/one', '/desc/two']);
    assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/desc'] }] }), [
      '/desc/deep/three',
      '/desc/one',
      '/desc/two',
    ]);
    assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/desc/t'] }] }), ['/desc/two']);
    assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Name', Option: 'Contains', Values: ['thr'] }] }), ['/desc/deep/three']);
    assert.deepEqual(await names({ ParameterFilters: [{ Key: 'Tier', Values: ['Advanced'] }] }), ['/desc/two']);
    assert.deepEqual(await names({ ParameterFilters: [{ Key: 'tag:team' }] }), ['/desc/deep/three', '/desc/one']);
    assert.deepEqual(await names({ ParameterFilters: [{ Key: 'tag:team', Values: ['core'] }] }), ['/desc/one']);
    assert.deepEqual(
      await names({
        ParameterFilters: [
          { Key: 'Path', Option: 'Recursive', Values: ['/desc'] },
          { Key: 'Type', Values: ['StringList'] },
        ],
      }),
      ['/desc/deep/three'],
    );
    assert.deepEqual(await names({ Filters: [{ Key: 'Name', Values: ['/desc/o'] }] }), ['/desc/one']);

    await assert.rejects(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Label', Values: ['x'] }] })), {
      name: 'InvalidFilterKey',
    });
    await assert.rejects(
      ssm.send(
        new DescribeParametersCommand({
          ParameterFilters: [
            { Key: 'Name', Values: ['a'] },
            { Key: 'Name', Values: ['b'] },
          ],
        }),
      ),
      (e: Error) => e.name === 'InvalidFilterKey' && /duplicated in the request: Name/.test(e.message),
    );
    await assert.rejects(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name' }] })), (e: Error) => {
      assert.equal(e.name, 'InvalidFilterValue');
      assert.equal(e.message, 'The following filter values are missing : null for filter key Name.');
      return true;
    });
    await assert.rejects(
      ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Option: 'Equals', Values: ['/x'] }] })),
      {
        name: 'InvalidFilterOption',
      },
    );
    await assert.rejects(
      ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Values: ['/aws/x'] }] })),
      (e: Error) => {
        assert.equal(e.name, 'ValidationException');
        assert.match(e.message, /Filters for common parameters can't be prefixed with "aws" or "ssm"/);
        return true;
      },
    );
    await assert.rejects(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Type', Values: ['Number'] }] })), {
      name: 'InvalidFilterValue',
    });
    await assert.rejects(
      ssm.send(
        new DescribeParametersCommand({ Filters: [{ Key: 'Name', Values: ['a'] }], ParameterFilters: [{ Key: 'Name', Values: ['a'] }] }),
      ),
      (e: Error) => e.name === 'ValidationException' && /either Filters or ParameterFilters/.test(e.message),
    );
  });

  it('tags parameters: add (overwriting keys), list, remove, and the tagging errors', async () => {
    await put({ Name: 'tagme', Value: 'x', Type: 'String', Tags: [{ Key: 'a', Value: '1' }] });
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: '/tagme',
        Tags: [
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '' },
        ],
      }),
    );
    const listed = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: 'tagme' }));
    assert.deepEqual(listed.TagList, [
      { Key: 'a', Value: '2' },
      { Key: 'b', Value: '' },
    ]);
    await ssm.send(new RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: 'tagme', TagKeys: ['a', 'zz'] }));
    assert.deepEqual((await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: 'tagme' }))).TagList, [
      { Key: 'b', Value: '' },
    ]);
    await assert.rejects(ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'tagme' })), {
      name: 'InvalidResourceType',
    });
    await assert.rejects(ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: 'ghost' })), {
      name: 'InvalidResourceId',
    });
    const tooMany = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await assert.rejects(ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: 'tagme', Tags: tooMany })), {
      name: 'TooManyTagsError',
    });
    assert.equal((await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: 'tagme' }))).TagList?.length, 1);
    // Deleting a parameter drops its tags.
    await ssm.send(new DeleteParameterCommand({ Name: 'tagme' }));
    await put({ Name: 'tagme', Value: 'x', Type: 'String' });
    assert.deepEqual((await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: 'tagme' }))).TagList, []);
  });

  it('deletes one or several parameters, reporting the missing ones', async () => {
    await put({ Name: '/del/a', Value: '1', Type: 'String' });
    await put({ Name: '/del/b', Value: '2', Type: 'String' });
    const res = await ssm.send(new DeleteParametersCommand({ Names: ['/del/a', '/del/b', '/del/c'] }));
    assert.deepEqual(res.DeletedParameters, ['/del/a', '/del/b']);
    assert.deepEqual(res.InvalidParameters, ['/del/c']);
    await assert.rejects(ssm.send(new DeleteParameterCommand({ Name: '/del/a' })), { name: 'ParameterNotFound' });
    await assert.rejects(get('/del/b'), { name: 'ParameterNotFound' });
    // History and labels go with the parameter: a re-created one starts at version 1.
    assert.equal((await put({ Name: '/del/a', Value: 'again', Type: 'String' })).Version, 1);
  });

  it('keeps 100 versions, dropping the oldest unless it carries a label', async () => {
    await put({ Name: '/ver/p', Value: 'v1', Type: 'String' });
    await ssm.send(new LabelParameterVersionCommand({ Name: '/ver/p', ParameterVersion: 1, Labels: ['first'] }));
    for (let i = 2; i <= 100; i++) await put({ Name: '/ver/p', Value: `v${i}`, Overwrite: true });
    await assert.rejects(put({ Name: '/ver/p', Value: 'v101', Overwrite: true }), (e: Error) => {
      assert.equal(e.name, 'ParameterMaxVersionLimitExceeded');
      assert.match(e.message, /Version 1, the oldest version, can't be deleted because it has a label/);
      return true;
    });
    await ssm.send(new UnlabelParameterVersionCommand({ Name: '/ver/p', ParameterVersion: 1, Labels: ['first'] }));
    assert.equal((await put({ Name: '/ver/p', Value: 'v101', Overwrite: true })).Version, 101);
    await assert.rejects(get('/ver/p:1'), { name: 'ParameterVersionNotFound' });
    assert.equal((await get('/ver/p:2')).Parameter?.Value, 'v2');
  });

  it('keeps regions apart', async () => {
    const west = new SSMClient(TEST_CLIENT_CONFIG(serve.url, 'eu-west-1'));
    try {
      await west.send(new PutParameterCommand({ Name: '/region/p', Value: 'west', Type: 'String' }));
      await assert.rejects(get('/region/p'), { name: 'ParameterNotFound' });
      const { Parameter } = await west.send(new GetParameterCommand({ Name: '/region/p' }));
      assert.equal(Parameter?.ARN, 'arn:aws:ssm:eu-west-1:123456789012:parameter/region/p');
      // An ARN of another region names nothing here.
      await assert.rejects(get(Parameter!.ARN!), { name: 'ParameterNotFound' });
    } finally {
      west.destroy();
    }
  });

  it('answers an SSM operation parasol does not implement with a clear UnknownOperationException', async () => {
    await assert.rejects(ssm.send(new SendCommandCommand({ DocumentName: 'AWS-RunShellScript' })), (e: Error) => {
      assert.equal(e.name, 'UnknownOperationException');
      assert.equal(e.message, "The operation SendCommand is not supported by parasol's local ssm service.");
      return true;
    });
  });

  /** Sends `command` signed by the SDK and returns the raw HTTP status and JSON body (the SDK hides key casing and empty messages). */
  async function fetchRaw<I extends ServiceInputTypes, O extends ServiceOutputTypes>(
    command: Command<ServiceInputTypes, I, ServiceOutputTypes, O, SSMClientResolvedConfig>,
  ): Promise<{ status: number; body: unknown }> {
    let captured: { status: number; body: unknown } | undefined;
    const client = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
    client.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const response = out.response as { statusCode: number; body: AsyncIterable<Uint8Array> };
        const chunks: Buffer[] = [];
        for await (const c of response.body) chunks.push(Buffer.from(c));
        captured = { status: response.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
        throw new Error('captured');
      },
      { step: 'deserialize', name: 'captureRaw', priority: 'low' },
    );
    await client.send(command).catch(() => {});
    client.destroy();
    assert.ok(captured, 'no response captured');
    return captured;
  }
});

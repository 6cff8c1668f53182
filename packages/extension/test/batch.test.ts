// Batch routes and batch prefetch, end to end: `parasol serve` and
// `parasol extension` as real processes over real sockets; upstream calls are
// counted from the extension's /metrics.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type BatchBody, type ErrorBody, readBody } from '../../../test-support/bodies.ts';
import { type ExtensionProcess, startExtension, upstreamCalls } from '../../../test-support/extension.js';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';

let serve: ServeProcess;
let ext: ExtensionProcess;
let sm: SecretsManagerClient;
let ssm: SSMClient;

async function json(path: string, target = ext) {
  const res = await fetch(`${target.url}${path}`, { headers: target.headers });
  return { status: res.status, cache: res.headers.get('x-parasol-cache'), body: await readBody<BatchBody & ErrorBody>(res) };
}
const qs = (name: string, values: string[]) => values.map((v) => `${name}=${encodeURIComponent(v)}`).join('&');

before(async () => {
  serve = await startServe();
  ext = await startExtension({ upstreamUrl: serve.url });
  sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  for (let i = 0; i < 12; i++) await sm.send(new CreateSecretCommand({ Name: `batch/s${i}`, SecretString: `value-${i}` }));
  await sm.send(new CreateSecretCommand({ Name: 'tagged/one', SecretString: 't1', Tags: [{ Key: 'prefetch', Value: 'yes' }] }));
  await sm.send(new CreateSecretCommand({ Name: 'tagged/two', SecretString: 't2', Tags: [{ Key: 'prefetch', Value: 'no' }] }));
  await sm.send(new CreateSecretCommand({ Name: 'untagged', SecretString: 'u' }));
  for (let i = 0; i < 4; i++) await ssm.send(new PutParameterCommand({ Name: `/batch/p${i}`, Value: `p-${i}`, Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/batch/p0', Value: 'p-0-v2', Type: 'String', Overwrite: true }));
  await ssm.send(new LabelParameterVersionCommand({ Name: '/batch/p0', ParameterVersion: 1, Labels: ['Old'] }));
  await ssm.send(new PutParameterCommand({ Name: '/batch/secure', Value: 'enc-me', Type: 'SecureString' }));
});

after(async () => {
  sm?.destroy();
  ssm?.destroy();
  await ext?.stop();
  await serve?.stop();
});

describe('GET /secretsmanager/batchget', () => {
  test('hits from the cache, misses in exactly one BatchGetSecretValue; a later single GET is a hit', async () => {
    assert.equal((await json('/secretsmanager/get?secretId=batch%2Fs0')).cache, 'miss');
    assert.equal((await json('/secretsmanager/get?secretId=batch%2Fs1')).cache, 'miss');
    const batchBefore = await upstreamCalls(ext, 'BatchGetSecretValue');
    const singleBefore = await upstreamCalls(ext, 'GetSecretValue');
    const ids = ['batch/s0', 'batch/s1', 'batch/s2', 'batch/s3', 'batch/s4'];
    const r = await json(`/secretsmanager/batchget?${qs('secretId', ids)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ['SecretValues', 'Errors']);
    assert.deepEqual(
      r.body.SecretValues.map((v: { Name: string; SecretString: string }) => [v.Name, v.SecretString]),
      ids.map((id, i) => [id, `value-${i}`]),
    );
    assert.deepEqual(r.body.Errors, []);
    assert.equal((await upstreamCalls(ext, 'BatchGetSecretValue')) - batchBefore, 1);
    // Each item is shaped as the single route shapes it, without ResultMetadata.
    const sdk = await sm.send(new GetSecretValueCommand({ SecretId: 'batch/s3' }));
    const createdDate = r.body.SecretValues[3].CreatedDate;
    assert.deepEqual(r.body.SecretValues[3], {
      ARN: sdk.ARN,
      CreatedDate: createdDate,
      Name: 'batch/s3',
      SecretBinary: null,
      SecretString: 'value-3',
      VersionId: sdk.VersionId,
      VersionStages: ['AWSCURRENT'],
    });
    assert.equal(new Date(createdDate).getTime(), sdk.CreatedDate!.getTime());
    for (const id of ['batch/s2', 'batch/s3', 'batch/s4']) {
      const single = await json(`/secretsmanager/get?secretId=${encodeURIComponent(id)}`);
      assert.equal(single.cache, 'hit', id);
    }
    assert.equal((await upstreamCalls(ext, 'GetSecretValue')) - singleBefore, 0);
    // All hits now: no upstream call at all.
    await json(`/secretsmanager/batchget?${qs('secretId', ids)}`);
    assert.equal((await upstreamCalls(ext, 'BatchGetSecretValue')) - batchBefore, 1);
  });

  test('a missing secret lands in Errors and the others still answer', async () => {
    const r = await json(`/secretsmanager/batchget?${qs('secretId', ['batch/s5', 'no/such'])}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.SecretValues.length, 1);
    assert.equal(r.body.SecretValues[0].SecretString, 'value-5');
    assert.deepEqual(r.body.Errors, [
      { SecretId: 'no/such', ErrorCode: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." },
    ]);
  });

  test('concurrent batches over the same misses: single-flight per item', async () => {
    const before = await upstreamCalls(ext, 'BatchGetSecretValue');
    const ids = ['batch/s6', 'batch/s7'];
    const all = await Promise.all([1, 2, 3].map(() => json(`/secretsmanager/batchget?${qs('secretId', ids)}`)));
    for (const r of all)
      assert.deepEqual(
        r.body.SecretValues.map((v: { SecretString: string }) => v.SecretString),
        ['value-6', 'value-7'],
      );
    assert.equal((await upstreamCalls(ext, 'BatchGetSecretValue')) - before, 1);
  });

  test('bad requests: none, too many, empty, unknown parameter', async () => {
    const cases: Array<[string, number, string, string]> = [
      ['/secretsmanager/batchget', 400, 'MissingParameterException', 'missing required query parameter secretId (repeat it for each item)'],
      [
        `/secretsmanager/batchget?${qs(
          'secretId',
          Array.from({ length: 21 }, (_, i) => `x${i}`),
        )}`,
        400,
        'InvalidParameterException',
        'at most 20 secretId per request, got 21',
      ],
      ['/secretsmanager/batchget?secretId=', 400, 'InvalidParameterException', 'query parameter secretId must not be empty'],
      [
        '/secretsmanager/batchget?secretId=a&names=b',
        400,
        'InvalidParameterException',
        'unknown query parameter: names (allowed: secretId)',
      ],
    ];
    for (const [path, status, type, message] of cases) {
      const r = await json(path);
      assert.equal(r.status, status, path);
      assert.deepEqual(r.body, { __type: type, message }, path);
    }
  });
});

describe('GET /systemsmanager/parameters/getparameters', () => {
  test('hits from the cache, misses in one GetParameters, selectors, InvalidParameters; then single GETs hit', async () => {
    assert.equal((await json('/systemsmanager/parameters/get?name=%2Fbatch%2Fp1')).cache, 'miss');
    const before = await upstreamCalls(ext, 'GetParameters');
    const names = ['/batch/p0', '/batch/p1', '/batch/p2', '/batch/p0:1', '/batch/p0:Old', '/batch/missing'];
    const r = await json(`/systemsmanager/parameters/getparameters?${qs('names', names)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ['Parameters', 'InvalidParameters']);
    assert.deepEqual(
      r.body.Parameters.map((p) => [p.Name, p.Selector, p.Value, p.Version]),
      [
        ['/batch/p0', null, 'p-0-v2', 2],
        ['/batch/p1', null, 'p-1', 1],
        ['/batch/p2', null, 'p-2', 1],
        ['/batch/p0', ':1', 'p-0', 1],
        ['/batch/p0', ':Old', 'p-0', 1],
      ],
    );
    assert.deepEqual(r.body.InvalidParameters, ['/batch/missing']);
    assert.equal((await upstreamCalls(ext, 'GetParameters')) - before, 1);
    const getBefore = await upstreamCalls(ext, 'GetParameter');
    assert.equal((await json('/systemsmanager/parameters/get?name=%2Fbatch%2Fp2')).cache, 'hit');
    assert.equal((await json('/systemsmanager/parameters/get?name=%2Fbatch%2Fp0&version=1')).cache, 'hit');
    assert.equal((await json('/systemsmanager/parameters/get?name=%2Fbatch%2Fp0&label=Old')).cache, 'hit');
    assert.equal((await upstreamCalls(ext, 'GetParameter')) - getBefore, 0);
  });

  test('withDecryption=true decrypts and is cached apart from the encrypted form', async () => {
    const plain = await json('/systemsmanager/parameters/getparameters?names=%2Fbatch%2Fsecure&withDecryption=true');
    assert.equal(plain.body.Parameters[0].Value, 'enc-me');
    assert.equal((await json('/systemsmanager/parameters/get?name=%2Fbatch%2Fsecure&withDecryption=true')).cache, 'hit');
    const enc = await json('/systemsmanager/parameters/getparameters?names=%2Fbatch%2Fsecure');
    assert.notEqual(enc.body.Parameters[0].Value, 'enc-me');
  });

  test('bad requests: eleven names, withDecryption twice', async () => {
    const eleven = await json(
      `/systemsmanager/parameters/getparameters?${qs(
        'names',
        Array.from({ length: 11 }, (_, i) => `/n${i}`),
      )}`,
    );
    assert.equal(eleven.status, 400);
    assert.deepEqual(eleven.body, { __type: 'InvalidParameterException', message: 'at most 10 names per request, got 11' });
    const twice = await json('/systemsmanager/parameters/getparameters?names=a&withDecryption=true&withDecryption=false');
    assert.deepEqual(twice.body, { __type: 'InvalidParameterException', message: 'query parameter withDecryption given more than once' });
  });
});

describe('prefetch in batches', () => {
  test('ids in one BatchGetSecretValue, tag keys by filter, names in one GetParameters', async () => {
    const warm = await startExtension({
      upstreamUrl: serve.url,
      env: {
        PARASOL_PREFETCH_SECRETS: 'batch/s8,batch/s9,batch/s10:k::,no/such',
        PARASOL_PREFETCH_SECRET_TAGS: 'prefetch',
        PARASOL_PREFETCH_PARAMETERS: '/batch/p1,/batch/p3,/batch/missing',
      },
    });
    try {
      // Under load it may finish after its 1 s bound, in the background: wait for the line that says it is done.
      for (let i = 0; i < 300 && !/prefetch: \d+ of \d+ loaded in/.test(warm.output()); i++) await new Promise((r) => setTimeout(r, 50));
      // 3 of 4 secret ids + 1 tag key + 2 of 3 names
      assert.match(warm.output(), /prefetch: 6 of 8 loaded/);
      assert.match(warm.output(), /"msg":"prefetch failed","secret":"no\/such","error":"ResourceNotFoundException"/);
      assert.match(warm.output(), /"msg":"prefetch failed","parameter":"\/batch\/missing","error":"ParameterNotFound"/);
      assert.equal(await upstreamCalls(warm, 'BatchGetSecretValue'), 2, 'one for the ids, one page for the tag');
      assert.equal(await upstreamCalls(warm, 'GetParameters'), 1);
      assert.equal(await upstreamCalls(warm, 'GetSecretValue'), 0);
      for (const id of ['batch/s8', 'batch/s10', 'tagged/one', 'tagged/two']) {
        assert.equal((await json(`/secretsmanager/get?secretId=${encodeURIComponent(id)}`, warm)).cache, 'hit', id);
      }
      assert.equal((await json('/secretsmanager/get?secretId=untagged', warm)).cache, 'miss');
      assert.equal((await json('/systemsmanager/parameters/get?name=%2Fbatch%2Fp3', warm)).cache, 'hit');
    } finally {
      await warm.stop();
    }
  });
});

// jsonKey and ECS-style secret references, end to end: `parasol serve` and
// `parasol extension` as real processes, data written with the AWS SDK v3.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readBody } from '../../../test-support/bodies.ts';
import { type ExtensionProcess, startExtension, upstreamCalls } from '../../../test-support/extension.js';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';
import { parseSecretReference } from '../src/secret-reference.js';

const DB = { username: 'app', password: 'pa55-word-never-logged', port: 5432, options: { ssl: true } };
let serve: ServeProcess;
let ext: ExtensionProcess;
let sm: SecretsManagerClient;
let arn: string;

async function json(path: string) {
  const res = await fetch(`${ext.url}${path}`, { headers: ext.headers });
  return { status: res.status, cache: res.headers.get('x-parasol-cache'), body: await readBody(res) };
}

before(async () => {
  serve = await startServe();
  ext = await startExtension({ upstreamUrl: serve.url });
  sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  arn = (await sm.send(new CreateSecretCommand({ Name: 'db/creds', SecretString: JSON.stringify(DB) }))).ARN!;
  await sm.send(new PutSecretValueCommand({ SecretId: 'db/creds', SecretString: JSON.stringify({ ...DB, password: 'second' }) }));
  await sm.send(new CreateSecretCommand({ Name: 'plain', SecretString: 'not json at all' }));
  await sm.send(new CreateSecretCommand({ Name: 'array', SecretString: '[1,2]' }));
  await sm.send(new CreateSecretCommand({ Name: 'bin', SecretBinary: Buffer.from([1, 2, 3]) }));
});

after(async () => {
  await ext?.stop();
  await serve?.stop();
});

describe('jsonKey on /secretsmanager/get', () => {
  test('a string value as is, the shape kept, and one upstream call for the whole secret and its keys', async () => {
    const before = await upstreamCalls(ext, 'GetSecretValue');
    const r = await json('/secretsmanager/get?secretId=db%2Fcreds&jsonKey=password');
    assert.equal(r.status, 200);
    assert.equal(r.body.SecretString, 'second');
    assert.equal(r.body.Name, 'db/creds');
    assert.deepEqual(Object.keys(r.body), [
      'ARN',
      'CreatedDate',
      'Name',
      'SecretBinary',
      'SecretString',
      'VersionId',
      'VersionStages',
      'ResultMetadata',
    ]);
    const user = await json('/secretsmanager/get?secretId=db%2Fcreds&jsonKey=username');
    assert.equal(user.cache, 'hit');
    assert.equal(user.body.SecretString, 'app');
    const whole = await json('/secretsmanager/get?secretId=db%2Fcreds');
    assert.equal(whole.cache, 'hit');
    assert.deepEqual(JSON.parse(whole.body.SecretString), { ...DB, password: 'second' });
    assert.equal((await upstreamCalls(ext, 'GetSecretValue')) - before, 1);
  });

  test('a number or an object as its JSON text', async () => {
    assert.equal((await json('/secretsmanager/get?secretId=db%2Fcreds&jsonKey=port')).body.SecretString, '5432');
    assert.equal((await json('/secretsmanager/get?secretId=db%2Fcreds&jsonKey=options')).body.SecretString, '{"ssl":true}');
  });

  test('with versionStage, and on the /v1/ path style', async () => {
    const prev = await json('/secretsmanager/get?secretId=db%2Fcreds&versionStage=AWSPREVIOUS&jsonKey=password');
    assert.equal(prev.body.SecretString, DB.password);
    assert.equal((await json('/v1/db/creds?jsonKey=username')).body.SecretString, 'app');
  });

  test('a missing key: 404 JsonKeyNotFound naming the key and never a value', async () => {
    const r = await json('/secretsmanager/get?secretId=db%2Fcreds&jsonKey=nope');
    assert.equal(r.status, 404);
    assert.equal(r.body.__type, 'JsonKeyNotFound');
    assert.equal(r.body.message, "key 'nope' not found in the JSON of db/creds");
    assert.doesNotMatch(JSON.stringify(r.body), /pa55|second/);
  });

  test('a secret that is not a JSON object, or binary: 400 SecretNotJson saying so', async () => {
    for (const [id, message] of [
      ['plain', 'jsonKey needs a secret whose SecretString is a JSON object; plain is not'],
      ['array', 'jsonKey needs a secret whose SecretString is a JSON object; array is not'],
      ['bin', 'jsonKey needs a secret whose SecretString is a JSON object; bin has no SecretString (binary)'],
    ]) {
      const r = await json(`/secretsmanager/get?secretId=${id}&jsonKey=k`);
      assert.equal(r.status, 400, id);
      assert.deepEqual(r.body, { __type: 'SecretNotJson', message });
    }
  });

  test('an empty jsonKey is refused', async () => {
    const r = await json('/secretsmanager/get?secretId=db%2Fcreds&jsonKey=');
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { __type: 'InvalidParameterException', message: 'query parameter jsonKey must not be empty' });
  });
});

describe('ECS-style references in secretId', () => {
  test('name:json-key, name:json-key:stage, and arn:…:json-key::', async () => {
    assert.equal((await json('/secretsmanager/get?secretId=db%2Fcreds%3Ausername')).body.SecretString, 'app');
    assert.equal((await json('/secretsmanager/get?secretId=db%2Fcreds%3Apassword%3AAWSPREVIOUS')).body.SecretString, DB.password);
    const byArn = await json(`/secretsmanager/get?secretId=${encodeURIComponent(`${arn}:password::`)}`);
    assert.equal(byArn.status, 200);
    assert.equal(byArn.body.SecretString, 'second');
    const plainArn = await json(`/secretsmanager/get?secretId=${encodeURIComponent(arn)}`);
    assert.equal(JSON.parse(plainArn.body.SecretString).password, 'second');
  });

  test('a selector in the reference and a different one in the query: 400', async () => {
    const r = await json('/secretsmanager/get?secretId=db%2Fcreds%3Apassword&jsonKey=username');
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, {
      __type: 'InvalidParameterException',
      message: 'jsonKey is given both in the secret reference and as a query parameter, with different values',
    });
  });

  test('the parser (exported for exec and templates)', () => {
    assert.deepEqual(parseSecretReference('name'), { secretId: 'name' });
    assert.deepEqual(parseSecretReference('name:key'), { secretId: 'name', jsonKey: 'key' });
    assert.deepEqual(parseSecretReference('name::AWSPREVIOUS'), { secretId: 'name', versionStage: 'AWSPREVIOUS' });
    assert.deepEqual(parseSecretReference('name:::v-1'), { secretId: 'name', versionId: 'v-1' });
    const a = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';
    assert.deepEqual(parseSecretReference(a), { secretId: a });
    assert.deepEqual(parseSecretReference(`${a}:user:AWSCURRENT:`), { secretId: a, jsonKey: 'user', versionStage: 'AWSCURRENT' });
    assert.throws(() => parseSecretReference('n:a:b:c:d'), { name: 'InvalidParameterException' });
    assert.throws(() => parseSecretReference(':key'), {
      name: 'InvalidParameterException',
      message: 'secret reference has an empty secret id',
    });
  });
});

describe('jsonKey on the Parameter Store reference path', () => {
  test('/aws/reference/secretsmanager/<id> with jsonKey narrows Value', async () => {
    const r = await json(
      '/systemsmanager/parameters/get?name=%2Faws%2Freference%2Fsecretsmanager%2Fdb%2Fcreds&withDecryption=true&jsonKey=password',
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.Parameter.Value, 'second');
    assert.deepEqual(Object.keys(r.body), ['Parameter', 'ResultMetadata']);
    const missing = await json(
      '/systemsmanager/parameters/get?name=%2Faws%2Freference%2Fsecretsmanager%2Fdb%2Fcreds&withDecryption=true&jsonKey=x',
    );
    assert.equal(missing.status, 404);
    assert.equal(missing.body.__type, 'JsonKeyNotFound');
  });

  test('jsonKey on an ordinary parameter name: 400', async () => {
    const r = await json('/systemsmanager/parameters/get?name=%2Fapp%2Fx&jsonKey=k');
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, {
      __type: 'InvalidParameterException',
      message: 'jsonKey applies only to Secrets Manager references (names starting with /aws/reference/secretsmanager/)',
    });
  });
});

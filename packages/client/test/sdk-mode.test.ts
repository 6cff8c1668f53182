/**
 * SDK mode (`@parasol/client`) against a real `parasol serve` over real sockets, through AWS SDK v3
 * clients. API calls are counted with an SDK middleware on the client handed in as `awsSdkV3Client`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';
import {
  clearCaches,
  GetParameterError,
  getParameter,
  getParameters,
  getParametersByName,
  getSecret,
  getSecretsByName,
  ParameterNotFoundError,
  SecretsProvider,
  SetParameterError,
  SSMProvider,
  setParameter,
  TransformParameterError,
} from '../src/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Records the command name of every request the client sends. */
function countCalls(client: SecretsManagerClient | SSMClient): string[] {
  const calls: string[] = [];
  const counter: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    calls.push(String(context.commandName));
    return next(args);
  };
  const options = { step: 'initialize', name: 'parasolCallCounter' } as const;
  // Two client types, two middleware stacks: one call each, so each is type-checked against its client.
  if (client instanceof SSMClient) client.middlewareStack.add(counter, options);
  else client.middlewareStack.add(counter, options);
  return calls;
}

let serve: ServeProcess;
let sm: SecretsManagerClient;
let ssm: SSMClient;
const savedEnv = { ...process.env };

before(async () => {
  serve = await startServe();
  sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  await sm.send(new CreateSecretCommand({ Name: 'db/creds', SecretString: '{"username":"app","password":"hunter2"}' }));
  await sm.send(new CreateSecretCommand({ Name: 'plain', SecretString: 'just text' }));
  await sm.send(new CreateSecretCommand({ Name: 'b64', SecretString: b64('decoded ☂') }));
  await sm.send(new CreateSecretCommand({ Name: 'bytes', SecretBinary: new TextEncoder().encode(b64('from binary')) }));
  await sm.send(new CreateSecretCommand({ Name: 'not-json', SecretString: '{oops' }));
  await sm.send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'v1' }));
  await sm.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v2' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/name', Value: 'parasol', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/config.json', Value: '{"debug":true}', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/key.binary', Value: b64('k3y'), Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/db/password', Value: 's3cret', Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/db/settings', Value: '{"pool":5}', Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/list', Value: 'a,b,c', Type: 'StringList' }));
  // A parameter and a path with the same string.
  await ssm.send(new PutParameterCommand({ Name: '/same', Value: 'the parameter', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/same/child', Value: 'under the path', Type: 'String' }));
});

after(async () => {
  process.env = savedEnv;
  sm?.destroy();
  ssm?.destroy();
  await serve?.stop();
});

function secretsProvider(options: { cacheSize?: number } = {}) {
  const client = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  const calls = countCalls(client);
  return { provider: new SecretsProvider({ awsSdkV3Client: client, ...options }), calls };
}

function ssmProvider() {
  const client = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  const calls = countCalls(client);
  return { provider: new SSMProvider({ awsSdkV3Client: client }), calls };
}

describe('SDK mode: secrets', () => {
  test('get returns the string; transform json parses, binary decodes base64; a SecretBinary comes back as bytes', async () => {
    const { provider } = secretsProvider();
    assert.equal(await provider.get('plain'), 'just text');
    assert.deepEqual(await provider.get('db/creds', { transform: 'json' }), { username: 'app', password: 'hunter2' });
    assert.equal(await provider.get('b64', { transform: 'binary' }), 'decoded ☂');
    const bytes = await provider.get('bytes');
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(bytes as Uint8Array), b64('from binary'));
    assert.equal(await provider.get('bytes', { transform: 'binary' }), 'from binary');
  });

  test('caches per name and transform for maxAge; forceFetch refetches; maxAge 0 never caches', async () => {
    const { provider, calls } = secretsProvider();
    await provider.get('plain');
    await provider.get('plain');
    assert.equal(calls.length, 1);
    await provider.get('plain', { forceFetch: true });
    assert.equal(calls.length, 2);
    await provider.get('db/creds', { transform: 'json' });
    await provider.get('db/creds');
    assert.equal(calls.length, 4, 'a different transform is a different cache entry');
    await provider.get('db/creds', { maxAge: 0, forceFetch: true });
    await provider.get('db/creds', { maxAge: 0 });
    assert.equal(calls.length, 6, 'maxAge 0 stores nothing, and drops the older value');
    provider.clearCache();
    await provider.get('plain');
    assert.equal(calls.length, 7);
  });

  test('concurrent misses make one call (single-flight)', async () => {
    const { provider, calls } = secretsProvider();
    const values = await Promise.all(Array.from({ length: 8 }, () => provider.get('plain')));
    assert.ok(values.every((v) => v === 'just text'));
    assert.deepEqual(calls, ['GetSecretValueCommand']);
  });

  test('the cache is bounded (LRU): with cacheSize 2 the least recently used value is refetched', async () => {
    const { provider, calls } = secretsProvider({ cacheSize: 2 });
    await provider.get('plain');
    await provider.get('b64');
    await provider.get('plain'); // hit; b64 is now the oldest
    await provider.get('rotating'); // evicts b64
    assert.equal(calls.length, 3);
    await provider.get('plain');
    assert.equal(calls.length, 3);
    await provider.get('b64');
    assert.equal(calls.length, 4);
  });

  test("jsonKey selects one key after GetSecretValue, with the extension's error codes", async () => {
    const { provider } = secretsProvider();
    const user: string | undefined = await provider.get('db/creds', { jsonKey: 'username' });
    assert.equal(user, 'app');
    await assert.rejects(provider.get('db/creds', { jsonKey: 'nope' }), (e: unknown) => {
      assert.ok(e instanceof GetParameterError);
      assert.equal(e.code, 'JsonKeyNotFound');
      assert.equal(e.message, "key 'nope' not found in the JSON of db/creds");
      return true;
    });
    await assert.rejects(
      provider.get('plain', { jsonKey: 'k' }),
      (e: unknown) => e instanceof GetParameterError && e.code === 'SecretNotJson',
    );
  });

  test('versionStage, versionId and sdkOptions pick a version', async () => {
    const { provider } = secretsProvider();
    assert.equal(await provider.get('rotating'), 'v2');
    assert.equal(await provider.get('rotating', { versionStage: 'AWSPREVIOUS' }), 'v1');
    assert.equal(await provider.get('rotating', { sdkOptions: { VersionStage: 'AWSPREVIOUS' } }), 'v1');
    const client = await provider.getClient();
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const previous = await client.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }));
    assert.equal(await provider.get('rotating', { versionId: previous.VersionId }), 'v1');
  });

  test('errors: missing → GetParameterError with the AWS code and cause; throwOnMissing → ParameterNotFoundError; bad JSON → TransformParameterError', async () => {
    const { provider } = secretsProvider();
    await assert.rejects(provider.get('nope'), (e: unknown) => {
      assert.ok(e instanceof GetParameterError && !(e instanceof ParameterNotFoundError));
      assert.equal(e.code, 'ResourceNotFoundException');
      assert.equal((e.cause as Error).name, 'ResourceNotFoundException');
      return true;
    });
    await assert.rejects(provider.get('nope', { throwOnMissing: true }), ParameterNotFoundError);
    await assert.rejects(provider.get('not-json', { transform: 'json' }), TransformParameterError);
    await assert.rejects(provider.get('plain', { transform: 'yaml' as never }), TransformParameterError);
    await assert.rejects(provider.get('rotating', { versionStage: 'NOPE' }), {
      name: 'GetParameterError',
      code: 'ResourceNotFoundException',
    });
  });

  test('getMultiple (getSecretsByName): one BatchGetSecretValue per 20 ids, each value cached for later single reads', async () => {
    const { provider, calls } = secretsProvider();
    const out = await provider.getMultiple(['db/creds', 'plain', 'b64'], { transform: 'auto' });
    assert.deepEqual(calls, ['BatchGetSecretValueCommand']);
    assert.equal(out.plain, 'just text');
    assert.equal(out.b64, b64('decoded ☂'), 'auto leaves names without a suffix alone');
    const json = await provider.getMultiple(['db/creds'], { transform: 'json' });
    assert.deepEqual(json['db/creds'], { username: 'app', password: 'hunter2' });
    assert.equal(calls.length, 2);
    assert.deepEqual(await provider.get('db/creds', { transform: 'json' }), { username: 'app', password: 'hunter2' });
    assert.equal(calls.length, 2, 'the batch filled the cache used by get');

    for (let i = 0; i < 23; i++) await sm.send(new CreateSecretCommand({ Name: `many/${i}`, SecretString: `value ${i}` }));
    const names = Array.from({ length: 23 }, (_, i) => `many/${i}`);
    const before = calls.length;
    const many = await provider.getMultiple(names);
    assert.equal(calls.length - before, 2, '23 ids = 2 calls of at most 20');
    assert.equal(many['many/22'], 'value 22');
  });

  test('getMultiple errors: throwOnError (default) throws; throwOnError false lists failures in _errors', async () => {
    const { provider } = secretsProvider();
    await assert.rejects(
      provider.getMultiple(['plain', 'missing-one']),
      (e: unknown) => e instanceof GetParameterError && /missing-one/.test(e.message),
    );
    const out = await provider.getMultiple(['plain', 'missing-one', 'not-json'], { throwOnError: false, transform: 'json' });
    assert.deepEqual(out._errors?.sort(), ['missing-one', 'not-json', 'plain']);
    await assert.rejects(provider.getMultiple(['_errors'], { throwOnError: false }), {
      name: 'GetParameterError',
      message: 'You cannot fetch a secret named _errors in graceful error mode.',
    });
  });

  test('clientConfig builds the client; bad client options fail clearly', async () => {
    const provider = new SecretsProvider({ clientConfig: TEST_CLIENT_CONFIG(serve.url) });
    assert.equal(await provider.get('plain'), 'just text');
    assert.throws(() => new SecretsProvider({ awsSdkV3Client: {} as never }), /AWS SDK v3 client/);
    assert.throws(() => new SecretsProvider({ clientConfig: {}, awsSdkV3Client: sm } as never), /either clientConfig or awsSdkV3Client/);
  });
});

describe('SDK mode: parameters', () => {
  test('get: String, StringList, decrypt, transforms', async () => {
    const { provider } = ssmProvider();
    assert.equal(await provider.get('/app/name'), 'parasol');
    assert.equal(await provider.get('/app/list'), 'a,b,c');
    assert.equal(await provider.get('/app/db/password', { decrypt: true }), 's3cret');
    assert.notEqual(await provider.get('/app/db/password'), 's3cret', 'not decrypted by default');
    assert.deepEqual(await provider.get('/app/config.json', { transform: 'json' }), { debug: true });
    assert.equal(await provider.get('/app/key.binary', { transform: 'binary' }), 'k3y');
    assert.equal(await provider.get('/app/name', { sdkOptions: { WithDecryption: true } }), 'parasol');
  });

  test('POWERTOOLS_PARAMETERS_SSM_DECRYPT and POWERTOOLS_PARAMETERS_MAX_AGE are the defaults', async () => {
    const { provider, calls } = ssmProvider();
    process.env.POWERTOOLS_PARAMETERS_SSM_DECRYPT = 'true';
    process.env.POWERTOOLS_PARAMETERS_MAX_AGE = '0';
    try {
      assert.equal(await provider.get('/app/db/password'), 's3cret');
      await provider.get('/app/db/password');
      assert.equal(calls.length, 2, 'max age 0 from the environment: nothing cached');
    } finally {
      delete process.env.POWERTOOLS_PARAMETERS_SSM_DECRYPT;
      delete process.env.POWERTOOLS_PARAMETERS_MAX_AGE;
    }
    await provider.get('/app/name');
    await provider.get('/app/name');
    assert.equal(calls.length, 3);
  });

  test('caching, forceFetch, throwOnMissing and errors', async () => {
    const { provider, calls } = ssmProvider();
    await provider.get('/app/name');
    await provider.get('/app/name');
    await provider.get('/app/name', { forceFetch: true });
    assert.equal(calls.length, 2);
    await assert.rejects(provider.get('/nope'), (e: unknown) => e instanceof GetParameterError && e.code === 'ParameterNotFound');
    await assert.rejects(provider.get('/nope', { throwOnMissing: true }), ParameterNotFoundError);
    await assert.rejects(provider.get('/app/name', { transform: 'json' }), TransformParameterError);
  });

  test('getMultiple (getParameters): relative names, recursive, decrypt, auto transform by suffix, all pages', async () => {
    const { provider, calls } = ssmProvider();
    const top = await provider.getMultiple('/app', { recursive: false });
    assert.deepEqual(Object.keys(top ?? {}).sort(), ['config.json', 'key.binary', 'list', 'name']);
    const all = await provider.getMultiple('/app', { recursive: true, decrypt: true, transform: 'auto' });
    assert.deepEqual(all, {
      name: 'parasol',
      'config.json': { debug: true },
      'key.binary': 'k3y',
      list: 'a,b,c',
      'db/password': 's3cret',
      'db/settings': '{"pool":5}',
    });
    const json = await provider.getMultiple('/app/db', { decrypt: true, transform: 'json' });
    assert.deepEqual(json, { password: undefined, settings: { pool: 5 } }, 'entries that fail to transform become undefined');
    await assert.rejects(
      provider.getMultiple('/app/db', { decrypt: true, transform: 'json', throwOnTransformError: true }),
      TransformParameterError,
    );
    const before = calls.length;
    await provider.getMultiple('/app', { recursive: true, decrypt: true, transform: 'auto' });
    assert.equal(calls.length, before, 'cached');
    const paged = await provider.getMultiple('/app', { recursive: true, forceFetch: true, sdkOptions: { MaxResults: 2 } });
    assert.equal(Object.keys(paged ?? {}).length, 6);
    assert.ok(calls.length - before >= 3, 'MaxResults 2 over 6 parameters takes several pages');
  });

  test('a parameter and a path with the same string are cached apart', async () => {
    const { provider } = ssmProvider();
    assert.equal(await provider.get('/same'), 'the parameter');
    assert.deepEqual(await provider.getMultiple('/same'), { child: 'under the path' });
    assert.equal(await provider.get('/same'), 'the parameter');
  });

  test('getParametersByName: mixed decryption is cached and transformed too; chunks of 10', async () => {
    const { provider, calls } = ssmProvider();
    const out = await provider.getParametersByName({
      '/app/name': {},
      '/app/config.json': { transform: 'json' },
      '/app/db/settings': { decrypt: true, transform: 'json' },
      '/app/db/password': { decrypt: true },
    });
    assert.deepEqual(out, {
      '/app/name': 'parasol',
      '/app/config.json': { debug: true },
      '/app/db/settings': { pool: 5 },
      '/app/db/password': 's3cret',
    });
    assert.deepEqual(calls, ['GetParametersCommand', 'GetParametersCommand'], 'one call per decrypt group');
    await provider.getParametersByName({ '/app/db/settings': { decrypt: true, transform: 'json' }, '/app/name': {} });
    assert.equal(calls.length, 2, 'decrypted and plain names both come from the cache');
    assert.deepEqual(await provider.get('/app/db/settings', { decrypt: true, transform: 'json' }), { pool: 5 });
    assert.equal(calls.length, 2, 'shared with get');

    for (let i = 0; i < 12; i++) await ssm.send(new PutParameterCommand({ Name: `/bulk/p${i}`, Value: `v${i}`, Type: 'String' }));
    const bulk = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`/bulk/p${i}`, {}]));
    const before = calls.length;
    const got = await provider.getParametersByName(bulk, { maxAge: 0 });
    assert.equal(calls.length - before, 2, '12 names = 2 GetParameters calls');
    assert.equal(got['/bulk/p11'], 'v11');
    await provider.getParametersByName(bulk, { maxAge: 0 });
    assert.equal(calls.length - before, 4, 'maxAge 0 is honoured here too');
  });

  test('getParametersByName errors: throwOnError default throws; false fills _errors; _errors is reserved', async () => {
    const { provider } = ssmProvider();
    await assert.rejects(provider.getParametersByName({ '/app/name': {}, '/missing': {} }), /Failed to fetch parameters: \/missing/);
    const out = await provider.getParametersByName(
      { '/app/name': {}, '/missing': {}, '/app/list': { transform: 'json' } },
      { throwOnError: false },
    );
    assert.equal(out['/app/name'], 'parasol');
    assert.deepEqual(out._errors?.sort(), ['/app/list', '/missing']);
    await assert.rejects(provider.getParametersByName({ _errors: {} }, { throwOnError: false }), /cannot fetch a parameter named _errors/);
  });

  test('set: creates, refuses to overwrite unless asked, returns the version, and drops cached reads', async () => {
    const { provider } = ssmProvider();
    assert.equal(await provider.set('/written', { value: 'one' }), 1);
    assert.equal(await provider.get('/written', { maxAge: 300 }), 'one');
    await assert.rejects(
      provider.set('/written', { value: 'two' }),
      (e: unknown) => e instanceof SetParameterError && e.code === 'ParameterAlreadyExists',
    );
    assert.equal(await provider.set('/written', { value: 'two', overwrite: true, description: 'd' }), 2);
    assert.equal(await provider.get('/written', { maxAge: 300 }), 'two');
    assert.equal(
      await provider.set('/secure', { value: 'p4ss', parameterType: 'SecureString', kmsKeyId: 'alias/aws/ssm', tier: 'Advanced' }),
      1,
    );
    assert.equal(await provider.get('/secure', { decrypt: true }), 'p4ss');
    await assert.rejects(provider.set('/bad', { value: 'x', parameterType: 'Integer' as never }), {
      name: 'SetParameterError',
      code: 'ValidationException',
    });
  });
});

describe('SDK mode: high-level functions with default providers (SDK config from the environment)', () => {
  test('getSecret, getSecretsByName, getParameter, getParameters, getParametersByName, setParameter, clearCaches', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: serve.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    await sm.send(new CreateSecretCommand({ Name: 'defaults', SecretString: 'first' }));
    assert.equal(await getSecret('defaults', { maxAge: 300 }), 'first');
    await sm.send(new PutSecretValueCommand({ SecretId: 'defaults', SecretString: 'second' }));
    assert.equal(await getSecret('defaults', { maxAge: 300 }), 'first', 'cached');
    assert.equal(await getSecret('defaults', { forceFetch: true }), 'second');
    assert.deepEqual(await getSecretsByName(['plain']), { plain: 'just text' });
    assert.equal(await setParameter('/defaults', { value: 'p1' }), 1);
    assert.equal(await getParameter('/defaults', { maxAge: 300 }), 'p1');
    await ssm.send(new PutParameterCommand({ Name: '/defaults', Value: 'p2', Type: 'String', Overwrite: true }));
    assert.equal(await getParameter('/defaults', { maxAge: 300 }), 'p1');
    clearCaches();
    assert.equal(await getParameter('/defaults', { maxAge: 300 }), 'p2');
    assert.deepEqual(await getParameters('/same'), { child: 'under the path' });
    assert.deepEqual(await getParametersByName({ '/app/name': {}, '/app/config.json': { transform: 'json' } }), {
      '/app/name': 'parasol',
      '/app/config.json': { debug: true },
    });
  });
});

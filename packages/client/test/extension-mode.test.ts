/**
 * Extension mode (`@parasol/client/extension`) against a real `parasol extension` in front of a real
 * `parasol serve`, over real sockets. The extension runs with its own cache off, so every request the
 * client sends shows up as an upstream call in the extension's /metrics: that is how client-side caching
 * is observed. Also runs the AWS guide's TypeScript example unchanged (but for the import path) through
 * Powertools, SDK mode and extension mode, and compares the three results.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type ExtensionProcess, startExtension, upstreamCalls } from '../../../test-support/extension.js';
import { REPO_ROOT, type ServeProcess, startServe, TEST_CLIENT_CONFIG, TS_NODE_ARGS } from '../../../test-support/processes.js';
import {
  clearCaches,
  ExtensionError,
  GetParameterError,
  getParameter,
  getParameters,
  getParametersByName,
  getSecret,
  getSecrets,
  getSecretsByName,
  ParameterNotFoundError,
  SecretsProvider,
  SetParameterError,
  SSMProvider,
  setParameter,
  TransformParameterError,
  UnsupportedOperationError,
  withSecret,
} from '../src/extension/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

let serve: ServeProcess;
let ext: ExtensionProcess;
let sm: SecretsManagerClient;
let ssm: SSMClient;
const savedEnv = { ...process.env };

before(async () => {
  serve = await startServe();
  ext = await startExtension({ upstreamUrl: serve.url, env: { PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'FALSE' } });
  sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  await sm.send(new CreateSecretCommand({ Name: 'db/creds', SecretString: '{"username":"app","password":"hunter2"}' }));
  await sm.send(new CreateSecretCommand({ Name: 'plain', SecretString: 'just text' }));
  await sm.send(new CreateSecretCommand({ Name: 'b64', SecretString: b64('decoded ☂') }));
  await sm.send(new CreateSecretCommand({ Name: 'bytes', SecretBinary: new TextEncoder().encode(b64('from binary')) }));
  await sm.send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'v1' }));
  await sm.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v2' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/name', Value: 'parasol', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/config.json', Value: '{"debug":true}', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/key.binary', Value: b64('k3y'), Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/db/password', Value: 's3cret', Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/db/settings', Value: '{"pool":5}', Type: 'SecureString' }));
});

after(async () => {
  process.env = savedEnv;
  sm?.destroy();
  ssm?.destroy();
  await ext?.stop();
  await serve?.stop();
});

const options = () => ({ endpoint: ext.url, token: ext.token });
const secretCalls = () => upstreamCalls(ext, 'GetSecretValue');
const parameterCalls = () => upstreamCalls(ext, 'GetParameter');

describe('extension mode: secrets', () => {
  test('values and transforms; a SecretBinary comes back as bytes as in SDK mode', async () => {
    const provider = new SecretsProvider(options());
    assert.equal(await provider.get('plain'), 'just text');
    assert.deepEqual(await provider.get('db/creds', { transform: 'json' }), { username: 'app', password: 'hunter2' });
    assert.equal(await provider.get('b64', { transform: 'binary' }), 'decoded ☂');
    const bytes = await provider.get('bytes');
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(bytes as Uint8Array), b64('from binary'));
    assert.equal(await provider.get('bytes', { transform: 'binary' }), 'from binary');
  });

  test('versionStage, versionId (and sdkOptions VersionStage) reach the extension', async () => {
    const provider = new SecretsProvider(options());
    assert.equal(await provider.get('rotating'), 'v2');
    assert.equal(await provider.get('rotating', { versionStage: 'AWSPREVIOUS' }), 'v1');
    assert.equal(await provider.get('rotating', { sdkOptions: { VersionStage: 'AWSPREVIOUS' }, forceFetch: true }), 'v1');
    const previous = await sm.send(new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }));
    assert.equal(await provider.get('rotating', { versionId: previous.VersionId }), 'v1');
  });

  test('caching: maxAge, forceFetch, maxAge 0, clearCache, single-flight', async () => {
    const provider = new SecretsProvider(options());
    const start = await secretCalls();
    await provider.get('plain');
    await provider.get('plain');
    assert.equal((await secretCalls()) - start, 1);
    await provider.get('plain', { forceFetch: true });
    assert.equal((await secretCalls()) - start, 2);
    await provider.get('plain', { maxAge: 0, forceFetch: true });
    await provider.get('plain', { maxAge: 0 });
    assert.equal((await secretCalls()) - start, 4);
    provider.clearCache();
    await Promise.all(Array.from({ length: 8 }, () => provider.get('plain')));
    assert.equal((await secretCalls()) - start, 5, '8 concurrent misses, one request');
  });

  test("errors: the extension's JSON errors become typed errors with the AWS code", async () => {
    const provider = new SecretsProvider(options());
    await assert.rejects(provider.get('nope'), (e: unknown) => {
      assert.ok(e instanceof GetParameterError && !(e instanceof ParameterNotFoundError));
      assert.equal(e.code, 'ResourceNotFoundException');
      assert.ok(e.cause instanceof ExtensionError);
      assert.equal((e.cause as ExtensionError).status, 400);
      return true;
    });
    await assert.rejects(provider.get('nope', { throwOnMissing: true }), ParameterNotFoundError);
    await assert.rejects(provider.get('plain', { transform: 'json', forceFetch: true }), TransformParameterError);
    const wrongToken = new SecretsProvider({ endpoint: ext.url, token: 'not-the-token' });
    await assert.rejects(wrongToken.get('plain'), (e: unknown) => {
      assert.ok(e instanceof GetParameterError);
      assert.equal(e.code, 'InvalidTokenException');
      assert.equal((e.cause as ExtensionError).status, 403);
      return true;
    });
  });

  test('getMultiple (getSecretsByName): the batch route, _errors in graceful mode', async () => {
    const provider = new SecretsProvider(options());
    const out = await provider.getMultiple(['db/creds', 'b64', 'plain'], { transform: 'auto' });
    assert.deepEqual(out, { 'db/creds': '{"username":"app","password":"hunter2"}', b64: b64('decoded ☂'), plain: 'just text' });
    const graceful = await provider.getMultiple(['db/creds', 'missing'], { transform: 'json', throwOnError: false });
    assert.deepEqual(graceful, { 'db/creds': { username: 'app', password: 'hunter2' }, _errors: ['missing'] });
    await assert.rejects(
      provider.getMultiple(['plain', 'missing']),
      (e: unknown) => e instanceof GetParameterError && /missing \(ResourceNotFoundException\)/.test(e.message),
    );
  });
  test('POWERTOOLS_PARAMETERS_MAX_AGE is the default maxAge; cacheSize bounds the cache (LRU)', async () => {
    const provider = new SecretsProvider(options());
    const start = await secretCalls();
    process.env.POWERTOOLS_PARAMETERS_MAX_AGE = '0';
    try {
      await provider.get('plain');
      await provider.get('plain');
      assert.equal((await secretCalls()) - start, 2, 'nothing cached with a max age of 0');
    } finally {
      delete process.env.POWERTOOLS_PARAMETERS_MAX_AGE;
    }
    const small = new SecretsProvider({ ...options(), cacheSize: 1 });
    await small.get('plain');
    await small.get('plain');
    await small.get('b64');
    await small.get('plain');
    assert.equal((await secretCalls()) - start, 5, 'with room for one value, b64 evicted plain');
  });
});

describe('extension mode: batch routes and jsonKey', () => {
  const useDefaults = () => {
    process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String(ext.port);
    process.env.AWS_TOKEN = ext.token;
  };
  test('getSecrets([...]) is one BatchGetSecretValue through /secretsmanager/batchget', async () => {
    const start = await upstreamCalls(ext, 'BatchGetSecretValue');
    const singles = await secretCalls();
    useDefaults();
    clearCaches();
    assert.deepEqual(await getSecrets(['plain', 'rotating', 'db/creds'], { maxAge: 0 }), {
      plain: 'just text',
      rotating: 'v2',
      'db/creds': '{"username":"app","password":"hunter2"}',
    });
    assert.equal((await upstreamCalls(ext, 'BatchGetSecretValue')) - start, 1);
    assert.equal((await secretCalls()) - singles, 0);
  });

  test('getParameters([...names]) is GetParameters through the route; getParameters(path) is still refused', async () => {
    const start = await upstreamCalls(ext, 'GetParameters');
    useDefaults();
    clearCaches();
    assert.deepEqual(await getParameters(['/app/name', '/app/config.json', '/gone'], { throwOnError: false, maxAge: 0 }), {
      '/app/name': 'parasol',
      '/app/config.json': '{"debug":true}',
      _errors: ['/gone'],
    });
    assert.equal((await upstreamCalls(ext, 'GetParameters')) - start, 1);
    await assert.rejects(getParameters('/app'), (e: unknown) => e instanceof GetParameterError && e.code === 'UnsupportedOperation');
  });

  test('getSecret(id, { jsonKey }) asks the extension for one key; its errors keep their codes', async () => {
    const provider = new SecretsProvider(options());
    const password: string | undefined = await provider.get('db/creds', { jsonKey: 'password' });
    assert.equal(password, 'hunter2');
    useDefaults();
    assert.equal(await getSecret('db/creds', { jsonKey: 'username', maxAge: 0 }), 'app');
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
});

describe('extension mode: withSecret', () => {
  test('an authentication failure refreshes past both caches (refreshNow) and retries once; other failures do not', async () => {
    const cached = await startExtension({ upstreamUrl: serve.url });
    try {
      process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String(cached.port);
      process.env.AWS_TOKEN = cached.token;
      clearCaches();
      await sm.send(new CreateSecretCommand({ Name: 'db/rotated', SecretString: 'old-password' }));
      assert.equal(await getSecret('db/rotated', { maxAge: 300 }), 'old-password');
      await sm.send(new PutSecretValueCommand({ SecretId: 'db/rotated', SecretString: 'new-password' }));
      const seen: string[] = [];
      const connect = (password: string) => {
        seen.push(password);
        if (password !== 'new-password') throw Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' });
        return 'connected';
      };
      assert.equal(await withSecret('db/rotated', (v) => connect(v as string), { maxAge: 300 }), 'connected');
      assert.deepEqual(seen, ['old-password', 'new-password']);
      assert.equal(await upstreamCalls(cached, 'GetSecretValue'), 2, 'the first read, then one refreshNow');

      const other = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      let calls = 0;
      await assert.rejects(
        withSecret('db/rotated', () => {
          calls++;
          throw other;
        }),
        (e: unknown) => e === other,
      );
      assert.equal(calls, 1, 'not an authentication failure: no retry');

      calls = 0;
      await assert.rejects(
        withSecret(
          'db/rotated',
          () => {
            calls++;
            throw Object.assign(new Error('denied'), { code: 'Denied' });
          },
          { retryOn: (e) => (e as { code?: string }).code === 'Denied' },
        ),
        /denied/,
      );
      assert.equal(calls, 2, 'a predicate decides; the second failure is final');
    } finally {
      await cached.stop();
    }
  });
});

describe('extension mode: parameters', () => {
  test('get with decrypt and transforms; caching and forceFetch', async () => {
    const provider = new SSMProvider(options());
    const start = await parameterCalls();
    assert.equal(await provider.get('/app/name'), 'parasol');
    assert.equal(await provider.get('/app/name'), 'parasol');
    assert.equal((await parameterCalls()) - start, 1);
    await provider.get('/app/name', { forceFetch: true });
    assert.equal((await parameterCalls()) - start, 2);
    assert.equal(await provider.get('/app/db/password', { decrypt: true }), 's3cret');
    assert.deepEqual(await provider.get('/app/config.json', { transform: 'json' }), { debug: true });
    assert.equal(await provider.get('/app/key.binary', { transform: 'binary' }), 'k3y');
    await assert.rejects(provider.get('/nope'), (e: unknown) => e instanceof GetParameterError && e.code === 'ParameterNotFound');
    await assert.rejects(provider.get('/nope', { throwOnMissing: true }), ParameterNotFoundError);
  });

  test('POWERTOOLS_PARAMETERS_SSM_DECRYPT is the decrypt default here too', async () => {
    const provider = new SSMProvider(options());
    process.env.POWERTOOLS_PARAMETERS_SSM_DECRYPT = '1';
    try {
      assert.equal(await provider.get('/app/db/password'), 's3cret');
    } finally {
      delete process.env.POWERTOOLS_PARAMETERS_SSM_DECRYPT;
    }
  });

  test('getParametersByName: one GetParameters per decryption group through the batch route, cached and transformed, _errors', async () => {
    const provider = new SSMProvider(options());
    const batchCalls = () => upstreamCalls(ext, 'GetParameters');
    const start = await batchCalls();
    const out = await provider.getParametersByName(
      {
        '/app/name': {},
        '/app/db/settings': { decrypt: true, transform: 'json' },
        '/missing': {},
      },
      { throwOnError: false },
    );
    assert.deepEqual(out, { '/app/name': 'parasol', '/app/db/settings': { pool: 5 }, _errors: ['/missing'] });
    assert.equal((await batchCalls()) - start, 2, 'one call without decryption (two names), one with');
    await provider.getParametersByName({ '/app/name': {}, '/app/db/settings': { decrypt: true, transform: 'json' } });
    assert.equal((await batchCalls()) - start, 2, 'both from the cache');
    await assert.rejects(provider.getParametersByName({ '/missing': {} }), /Failed to fetch parameters: \/missing/);
  });

  test('getParameters (by path) and setParameter are refused clearly, naming SDK mode, without a request', async () => {
    const provider = new SSMProvider(options());
    const start = await upstreamCalls(ext, 'GetParametersByPath');
    await assert.rejects(provider.getMultiple('/app'), (e: unknown) => {
      assert.ok(e instanceof GetParameterError);
      assert.ok(e.cause instanceof UnsupportedOperationError);
      assert.equal(e.code, 'UnsupportedOperation');
      assert.match(e.message, /@parasol\/client \(SDK mode\)/);
      return true;
    });
    await assert.rejects(
      provider.set('/x', { value: 'v' }),
      (e: unknown) => e instanceof SetParameterError && e.cause instanceof UnsupportedOperationError,
    );
    assert.equal(await upstreamCalls(ext, 'GetParametersByPath'), start);
  });
});

describe('extension mode: configuration from the environment (default providers)', () => {
  test('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT and the token from AWS_SESSION_TOKEN; all functions; clearCaches', async () => {
    process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String(ext.port);
    delete process.env.AWS_TOKEN;
    process.env.AWS_SESSION_TOKEN = ext.token;
    assert.equal(await getSecret('plain'), 'just text');
    assert.deepEqual(await getSecretsByName(['plain']), { plain: 'just text' });
    assert.equal(await getParameter('/app/name', { maxAge: 300 }), 'parasol');
    await ssm.send(new PutParameterCommand({ Name: '/app/name', Value: 'renamed', Type: 'String', Overwrite: true }));
    assert.equal(await getParameter('/app/name', { maxAge: 300 }), 'parasol', 'cached');
    clearCaches();
    assert.equal(await getParameter('/app/name', { maxAge: 300 }), 'renamed');
    assert.deepEqual(await getParametersByName({ '/app/config.json': { transform: 'json' } }), { '/app/config.json': { debug: true } });
    await assert.rejects(
      getParameters('/app'),
      (e: unknown) => e instanceof GetParameterError && e.cause instanceof UnsupportedOperationError,
    );
    await assert.rejects(setParameter('/app/x', { value: 'v' }), { name: 'SetParameterError', code: 'UnsupportedOperation' });
    await ssm.send(new PutParameterCommand({ Name: '/app/name', Value: 'parasol', Type: 'String', Overwrite: true }));
  });

  test('no token, no extension, bad options: clear errors', async () => {
    const saved = {
      AWS_TOKEN: process.env.AWS_TOKEN,
      AWS_SESSION_TOKEN: process.env.AWS_SESSION_TOKEN,
      C: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN,
    };
    delete process.env.AWS_TOKEN;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
    try {
      await assert.rejects(
        new SecretsProvider({ endpoint: ext.url }).get('plain'),
        (e: unknown) => e instanceof GetParameterError && e.code === 'MissingToken',
      );
    } finally {
      if (saved.AWS_SESSION_TOKEN !== undefined) process.env.AWS_SESSION_TOKEN = saved.AWS_SESSION_TOKEN;
    }
    // A port nobody listens on (the extension's port after it is gone is not predictable, so use port 1).
    await assert.rejects(new SecretsProvider({ endpoint: 'http://127.0.0.1:1', token: 't' }).get('plain'), (e: unknown) => {
      return e instanceof GetParameterError && e.code === 'ExtensionUnreachable';
    });
    assert.throws(() => new SecretsProvider({ clientConfig: {} } as never), /SDK-mode options/);
    assert.throws(() => new SecretsProvider({ endpoint: 'not a url' }), { name: 'TypeError', code: 'ERR_INVALID_URL' });
  });
});

describe("the AWS guide's TypeScript example, unchanged but for the import path", () => {
  test('gives the same result through Powertools, @parasol/client and @parasol/client/extension', async () => {
    const fixture = readFileSync(join(REPO_ROOT, 'packages/client/test/fixtures/aws-guide-handler.ts'), 'utf-8');
    const env = {
      ...savedEnv,
      SECRET_NAME: 'db/creds',
      AWS_ENDPOINT_URL: serve.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: ext.token,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(ext.port),
    };
    const results: Record<string, unknown> = {};
    for (const importPath of ['@aws-lambda-powertools/parameters/secrets', '@parasol/client', '@parasol/client/extension']) {
      // Outside the type-checked fixtures folder; packages resolve from node_modules above it as for any app.
      const dir = join(REPO_ROOT, 'packages/client/test/.guide-tmp');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `handler-${importPath.replace(/\W+/g, '-')}.ts`);
      writeFileSync(file, fixture.replace("from '@parasol/client'", `from '${importPath}'`));
      try {
        const run = spawnSync(
          process.execPath,
          [
            ...TS_NODE_ARGS,
            '--input-type=module',
            '-e',
            `const { handler } = await import(${JSON.stringify(file)}); console.log(JSON.stringify(await handler({})));`,
          ],
          { cwd: REPO_ROOT, env, encoding: 'utf-8' },
        );
        assert.equal(run.status, 0, run.stderr);
        results[importPath] = JSON.parse(run.stdout.trim().split('\n').pop()!);
      } finally {
        rmSync(file, { force: true });
      }
    }
    rmSync(join(REPO_ROOT, 'packages/client/test/.guide-tmp'), { recursive: true, force: true });
    const expected = { statusCode: 200, body: JSON.stringify({ message: 'Successfully retrieved secret', username: 'app' }) };
    assert.deepEqual(results, {
      '@aws-lambda-powertools/parameters/secrets': expected,
      '@parasol/client': expected,
      '@parasol/client/extension': expected,
    });
  });
});

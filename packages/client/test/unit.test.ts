/**
 * In-process units with no network: the cache's invariants, the transforms, the env defaults and the error
 * classes. Everything that talks to a service is tested over real sockets in sdk-mode / extension-mode.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ValueCache } from '../src/cache.js';
import { DEFAULT_MAX_AGE_SECS, resolveDecrypt, resolveMaxAge } from '../src/env.js';
import { GetParameterError, ParameterNotFoundError, SetParameterError, TransformParameterError } from '../src/errors.js';
import { endpointFromEnv, tokenFromEnv } from '../src/extension/http.js';
import { transformValue } from '../src/transform.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ValueCache', () => {
  test('evicts the least recently used entry once full (a hit refreshes recency)', () => {
    const cache = new ValueCache(2);
    cache.store('a', 1, 60);
    cache.store('b', 2, 60);
    assert.deepEqual(cache.lookup('a'), { value: 1 }); // a is now the most recent
    cache.store('c', 3, 60);
    assert.equal(cache.lookup('b'), undefined);
    assert.deepEqual(cache.lookup('a'), { value: 1 });
    assert.deepEqual(cache.lookup('c'), { value: 3 });
    assert.equal(cache.size, 2);
  });

  test('maxAge <= 0 stores nothing and drops an older value under the key', () => {
    const cache = new ValueCache();
    cache.store('k', 'old', 60);
    cache.store('k', 'new', 0);
    assert.equal(cache.lookup('k'), undefined);
    cache.store('k', 'neg', -1);
    assert.equal(cache.size, 0);
  });

  test('an expired entry is never returned and is dropped', async () => {
    const cache = new ValueCache();
    cache.store('k', 'v', 0.02);
    await sleep(40);
    assert.equal(cache.lookup('k'), undefined);
    assert.equal(cache.size, 0);
  });

  test('concurrent loads of one key run the loader once (single-flight); failures are not cached', async () => {
    const cache = new ValueCache();
    let calls = 0;
    const loader = async () => {
      calls++;
      await sleep(10);
      return `v${calls}`;
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => cache.load('k', { maxAge: 60 }, loader)));
    assert.deepEqual(results, ['v1', 'v1', 'v1', 'v1', 'v1']);
    assert.equal(calls, 1);

    let failing = 0;
    const boom = async () => {
      failing++;
      throw new Error('upstream down');
    };
    const outcomes = await Promise.allSettled([cache.load('x', { maxAge: 60 }, boom), cache.load('x', { maxAge: 60 }, boom)]);
    assert.equal(failing, 1);
    assert.ok(outcomes.every((o) => o.status === 'rejected'));
    assert.equal(cache.lookup('x'), undefined);
    await assert.rejects(cache.load('x', { maxAge: 60 }, boom), { name: 'Error', message: 'upstream down' });
    assert.equal(failing, 2);
  });

  test('forceFetch skips the cached value and replaces it', async () => {
    const cache = new ValueCache();
    let n = 0;
    const loader = async () => ++n;
    assert.equal(await cache.load('k', { maxAge: 60 }, loader), 1);
    assert.equal(await cache.load('k', { maxAge: 60 }, loader), 1);
    assert.equal(await cache.load('k', { maxAge: 60, forceFetch: true }, loader), 2);
    assert.equal(await cache.load('k', { maxAge: 60 }, loader), 2);
  });

  test('a value loaded across clear() is not stored afterwards; undefined is never cached', async () => {
    const cache = new ValueCache();
    const pending = cache.load('k', { maxAge: 60 }, async () => {
      await sleep(10);
      return 'stale';
    });
    cache.clear();
    assert.equal(await pending, 'stale');
    assert.equal(cache.lookup('k'), undefined);
    await cache.load('u', { maxAge: 60 }, async () => undefined);
    assert.equal(cache.size, 0);
  });

  test('rejects a bad size', () => {
    assert.throws(() => new ValueCache(-1), { name: 'TypeError', message: 'cache size must be a whole number >= 0, got -1' });
    assert.throws(() => new ValueCache(1.5), { name: 'TypeError', message: 'cache size must be a whole number >= 0, got 1.5' });
  });
});

describe('transformValue', () => {
  test('json parses; binary base64-decodes to text; Uint8Array input is read as UTF-8', () => {
    assert.deepEqual(transformValue('{"a":[1,true]}', 'json', 'k'), { a: [1, true] });
    assert.equal(transformValue(b64('hello ☂'), 'binary', 'k'), 'hello ☂');
    assert.deepEqual(transformValue(new TextEncoder().encode('{"x":1}'), 'json', 'k'), { x: 1 });
    assert.equal(transformValue(new TextEncoder().encode(b64('bytes')), 'binary', 'k'), 'bytes');
    assert.equal(transformValue('{"a":1}', 'JSON', 'k') instanceof Object, true);
  });

  test('auto picks by the .json / .binary suffix, case-insensitively, and leaves other names alone', () => {
    assert.deepEqual(transformValue('{"a":1}', 'auto', 'config.JSON'), { a: 1 });
    assert.equal(transformValue(b64('s3cr3t'), 'auto', '/app/key.binary'), 's3cr3t');
    assert.equal(transformValue('{"a":1}', 'auto', '/app/plain'), '{"a":1}');
  });

  test('failures are TransformParameterError naming the transform', () => {
    assert.throws(
      () => transformValue('{nope', 'json', 'k'),
      (e: unknown) => e instanceof TransformParameterError && e.message.startsWith("Unable to transform value using 'json' transform: "),
    );
    assert.throws(() => transformValue('not base64!', 'binary', 'k'), TransformParameterError);
    assert.throws(() => transformValue('x', 'yaml', 'k'), TransformParameterError);
  });
});

describe('environment defaults', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['POWERTOOLS_PARAMETERS_MAX_AGE', 'POWERTOOLS_PARAMETERS_SSM_DECRYPT']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  test('maxAge: option, else POWERTOOLS_PARAMETERS_MAX_AGE, else 5', () => {
    delete process.env.POWERTOOLS_PARAMETERS_MAX_AGE;
    assert.equal(resolveMaxAge(undefined), DEFAULT_MAX_AGE_SECS);
    assert.equal(DEFAULT_MAX_AGE_SECS, 5);
    process.env.POWERTOOLS_PARAMETERS_MAX_AGE = '42';
    assert.equal(resolveMaxAge(undefined), 42);
    assert.equal(resolveMaxAge(0), 0);
    process.env.POWERTOOLS_PARAMETERS_MAX_AGE = 'soon';
    assert.throws(() => resolveMaxAge(undefined), /POWERTOOLS_PARAMETERS_MAX_AGE must be a number/);
  });

  test('decrypt: option, else sdkOptions.WithDecryption, else POWERTOOLS_PARAMETERS_SSM_DECRYPT (extended booleans), else false', () => {
    delete process.env.POWERTOOLS_PARAMETERS_SSM_DECRYPT;
    assert.equal(resolveDecrypt(undefined), false);
    for (const yes of ['true', '1', 'yes', 'ON']) {
      process.env.POWERTOOLS_PARAMETERS_SSM_DECRYPT = yes;
      assert.equal(resolveDecrypt(undefined), true);
    }
    assert.equal(resolveDecrypt(undefined, false), false);
    assert.equal(resolveDecrypt(false, true), false);
    process.env.POWERTOOLS_PARAMETERS_SSM_DECRYPT = 'maybe';
    assert.throws(() => resolveDecrypt(undefined), /must be a boolean/);
  });
});

describe('error classes', () => {
  test('keep Powertools names and hierarchy, and carry the AWS error code of their cause', () => {
    const cause = Object.assign(new Error('Secrets Manager can’t find the specified secret.'), { name: 'ResourceNotFoundException' });
    const e = new GetParameterError(cause.message, { cause });
    assert.equal(e.name, 'GetParameterError');
    assert.equal(e.code, 'ResourceNotFoundException');
    assert.equal(e.cause, cause);
    const nf = new ParameterNotFoundError('gone', { code: 'ParameterNotFound' });
    assert.ok(nf instanceof GetParameterError);
    assert.equal(nf.code, 'ParameterNotFound');
    assert.equal(new SetParameterError('x', { cause: { name: 'ParameterAlreadyExists' } }).code, 'ParameterAlreadyExists');
  });
});

describe('the extension entry', () => {
  test('bundles to one file that imports nothing but node built-ins (no SDK); errors match across bundle copies', async () => {
    const { build } = await import('esbuild');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'parasol-client-'));
    const outfile = join(dir, 'extension.mjs');
    try {
      await build({
        entryPoints: [new URL('../src/extension/index.ts', import.meta.url).pathname],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        logLevel: 'silent',
      });
      const code = readFileSync(outfile, 'utf-8');
      const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(specifiers)], ['node:http']);
      assert.doesNotMatch(code, /@aws-sdk|SecretsManagerClient|SSMClient/);

      const bundled = await import(outfile);
      const fromBundle = new bundled.GetParameterError('x', { code: 'C' });
      assert.ok(fromBundle instanceof GetParameterError, 'a bundled error is an instance of the source class');
      assert.ok(!(fromBundle instanceof ParameterNotFoundError));
      assert.ok(new ParameterNotFoundError('y') instanceof bundled.GetParameterError);
      assert.ok(new bundled.TransformParameterError('json', 'bad') instanceof TransformParameterError);
      assert.ok(!(new Error('plain') instanceof bundled.GetParameterError));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('the SDK entry imports the AWS SDK only dynamically (on first use), never at import time', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    const staticImports = [...code.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((m) => m[1]);
    const dynamicImports = [...code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']/g)].map((m) => m[1]);
    assert.deepEqual(staticImports, []);
    assert.deepEqual([...new Set(dynamicImports)].sort(), ['@aws-sdk/client-secrets-manager', '@aws-sdk/client-ssm']);
  });
});

describe('extension mode configuration', () => {
  test('token: AWS_TOKEN, then AWS_SESSION_TOKEN, then AWS_CONTAINER_AUTHORIZATION_TOKEN (SnapStart), as the extension looks for it', () => {
    assert.equal(tokenFromEnv({ AWS_TOKEN: 'a', AWS_SESSION_TOKEN: 'b', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' }), 'a');
    assert.equal(tokenFromEnv({ AWS_TOKEN: '', AWS_SESSION_TOKEN: 'b', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' }), 'b');
    assert.equal(tokenFromEnv({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' }), 'c');
    assert.equal(tokenFromEnv({}), undefined);
  });

  test('endpoint: 127.0.0.1 on PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, default 2773; a bad port is a clear error', () => {
    assert.equal(endpointFromEnv({}), 'http://127.0.0.1:2773');
    assert.equal(endpointFromEnv({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '4000' }), 'http://127.0.0.1:4000');
    for (const bad of ['0', '65536', 'http', '20.5']) {
      assert.throws(() => endpointFromEnv({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: bad }), /must be a port number/);
    }
  });
});

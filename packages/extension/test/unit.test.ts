// Unit tests of the pure pieces: configuration, token, query parsing, the
// cache's invariants, response shapes and upstream error classification.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ResponseCache } from '../src/cache.js';
import { loadConfig } from '../src/config.js';
import { ConfigError, UpstreamError } from '../src/errors.js';
import { parseRoute } from '../src/parse.js';
import { parameterBody, rfc3339, secretBody } from '../src/responses.js';
import { createTokenMatcher, resolveToken, TOKEN_HEADER } from '../src/token.js';
import { errorFromResponse } from '../src/upstream/client.js';
import { resolveEndpoints } from '../src/upstream/endpoints.js';

const BASE = { AWS_TOKEN: 't0ken', AWS_REGION: 'eu-west-1' };

describe('config', () => {
  test('defaults are the AWS extension defaults', () => {
    const { config, warnings } = loadConfig(BASE);
    assert.equal(config.httpPort, 2773);
    assert.equal(config.cacheEnabled, true);
    assert.equal(config.cacheSize, 1000);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.maxConnections, 3);
    assert.equal(config.secretsManagerTtlSeconds, 300);
    assert.equal(config.ssmTtlSeconds, 300);
    assert.equal(config.secretsManagerTimeoutMs, 0);
    assert.equal(config.ssmTimeoutMs, 0);
    assert.deepEqual(warnings, []);
    assert.equal(config.endpoints.secretsManager, 'https://secretsmanager.eu-west-1.amazonaws.com');
    assert.equal(config.endpoints.ssm, 'https://ssm.eu-west-1.amazonaws.com');
  });

  test('values are read in any case; TTL above 300 is clamped with a warning', () => {
    const { config, warnings } = loadConfig({
      ...BASE,
      PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'false',
      PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'WARN',
      SECRETS_MANAGER_TTL: '3600',
      SSM_PARAMETER_STORE_TTL: '0',
      PARASOL_PREFETCH_PARAMETERS: '/app/, /x ,',
    });
    assert.equal(config.cacheEnabled, false);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.secretsManagerTtlSeconds, 300);
    assert.equal(config.ssmTtlSeconds, 0);
    assert.deepEqual(config.prefetchParameters, ['/app/', '/x']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /SECRETS_MANAGER_TTL exceeds max limit/);
  });

  for (const [name, value, range] of [
    ['PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE', '1001', '0-1000'],
    ['PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE', 'lots', '0-1000'],
    ['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', '0', '1-65535'],
    ['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', '70000', '1-65535'],
    ['PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS', '0', '1-1000'],
    ['SECRETS_MANAGER_TTL', '-1', '0-300'],
    ['SSM_PARAMETER_STORE_TIMEOUT_MILLIS', '1.5', '0-'],
  ]) {
    test(`${name}=${value} stops start-up naming the variable and its range`, () => {
      assert.throws(
        () => loadConfig({ ...BASE, [name]: value }),
        (e: unknown) => e instanceof ConfigError && e.variable === name && e.message.includes(name) && e.message.includes(range),
      );
    });
  }

  test('bad booleans and log levels name the accepted values', () => {
    assert.throws(() => loadConfig({ ...BASE, PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'yes' }), /TRUE or FALSE/);
    assert.throws(() => loadConfig({ ...BASE, PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'trace' }), /DEBUG, INFO, WARN, ERROR, NONE/);
  });

  test('PARASOL_LOG_FORMAT: text or json in any case; unset leaves it to the terminal; anything else names the variable', () => {
    assert.equal(loadConfig({ ...BASE, PARASOL_LOG_FORMAT: 'JSON' }).config.logFormat, 'json');
    assert.equal(loadConfig({ ...BASE, PARASOL_LOG_FORMAT: 'text' }).config.logFormat, 'text');
    assert.equal(loadConfig({ ...BASE }).config.logFormat, undefined);
    assert.throws(
      () => loadConfig({ ...BASE, PARASOL_LOG_FORMAT: 'yaml' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.variable === 'PARASOL_LOG_FORMAT' &&
        e.message === "PARASOL_LOG_FORMAT must be text or json (any case), got 'yaml'",
    );
  });

  test('endpoints: per-service override, then AWS_ENDPOINT_URL; region from AWS_DEFAULT_REGION', () => {
    const e = resolveEndpoints({
      AWS_DEFAULT_REGION: 'us-west-2',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:2774',
      AWS_ENDPOINT_URL_SSM: 'http://localhost:9/',
    });
    assert.deepEqual(e, { region: 'us-west-2', secretsManager: 'http://127.0.0.1:2774', ssm: 'http://localhost:9' });
    assert.throws(() => resolveEndpoints({}), /AWS_REGION/);
    assert.throws(() => resolveEndpoints({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'ftp://x' }), /AWS_ENDPOINT_URL/);
  });
});

describe('token', () => {
  test('first non-empty of AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN', () => {
    assert.equal(resolveToken({ AWS_TOKEN: 'a', AWS_SESSION_TOKEN: 'b' }).token, 'a');
    assert.equal(resolveToken({ AWS_TOKEN: '', AWS_SESSION_TOKEN: 'b' }).token, 'b');
    assert.equal(resolveToken({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'c' }).token, 'c');
  });

  test('file:// values are read from the file; empty or missing files are refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parasol-token-'));
    writeFileSync(join(dir, 'token'), 'from-file\n');
    writeFileSync(join(dir, 'empty'), '');
    assert.equal(resolveToken({ AWS_TOKEN: `file://${join(dir, 'token')}` }).token, 'from-file');
    assert.throws(() => resolveToken({ AWS_TOKEN: `file://${join(dir, 'empty')}` }), /empty/);
    assert.throws(() => resolveToken({ AWS_TOKEN: `file://${join(dir, 'missing')}` }), /cannot be read \(ENOENT\)/);
  });

  test('no token at all refuses to start, saying which variables to set', () => {
    assert.throws(() => resolveToken({}), /AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN/);
  });

  test('says where the token came from, and names the variable and file in each refusal', () => {
    assert.deepEqual(resolveToken({ AWS_TOKEN: 'a' }), { token: 'a', source: 'AWS_TOKEN' });
    assert.deepEqual(resolveToken({ AWS_SESSION_TOKEN: 'b' }), { token: 'b', source: 'AWS_SESSION_TOKEN' });
    const dir = mkdtempSync(join(tmpdir(), 'parasol-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, '  padded \n');
    assert.deepEqual(resolveToken({ AWS_CONTAINER_AUTHORIZATION_TOKEN: `file://${file}` }), {
      token: 'padded',
      source: 'AWS_CONTAINER_AUTHORIZATION_TOKEN (file)',
      file,
    });
    writeFileSync(join(dir, 'empty'), ' \n');
    assert.throws(() => resolveToken({ AWS_SESSION_TOKEN: `file://${join(dir, 'empty')}` }), {
      name: 'ConfigError',
      variable: 'AWS_SESSION_TOKEN',
      message: `AWS_SESSION_TOKEN points to file ${join(dir, 'empty')}, which is empty`,
    });
    assert.throws(() => resolveToken({ AWS_TOKEN: `file://${join(dir, 'missing')}` }), {
      name: 'ConfigError',
      variable: 'AWS_TOKEN',
      message: `AWS_TOKEN points to file ${join(dir, 'missing')}, which cannot be read (ENOENT)`,
    });
    assert.throws(() => resolveToken({ AWS_TOKEN: '' }), {
      name: 'ConfigError',
      variable: 'AWS_TOKEN',
      message:
        'no token configured: set one of AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN (a value or file://PATH); callers must send it in X-Aws-Parameters-Secrets-Token',
    });
  });

  test('the header is the one AWS documents', () => {
    assert.equal(TOKEN_HEADER, 'x-aws-parameters-secrets-token');
  });

  test('matcher accepts only the exact token', () => {
    const matches = createTokenMatcher('s3cr3t-token');
    assert.equal(matches('s3cr3t-token'), true);
    assert.equal(matches('s3cr3t-toke'), false);
    assert.equal(matches('s3cr3t-tokenX'), false);
    assert.equal(matches(''), false);
  });
});

describe('parse', () => {
  test('secret route with every parameter; flags in any case', () => {
    assert.deepEqual(parseRoute('/secretsmanager/get?secretId=a%2Fb&versionStage=AWSPREVIOUS&versionId=v1&refreshNow=TRUE'), {
      kind: 'secret',
      secretId: 'a/b',
      versionId: 'v1',
      versionStage: 'AWSPREVIOUS',
      refreshNow: true,
    });
  });

  test('parameter route with and without trailing slash', () => {
    const expected = { kind: 'parameter', name: '/a/b', version: '3', label: undefined, withDecryption: true, refreshNow: false };
    assert.deepEqual(parseRoute('/systemsmanager/parameters/get?name=%2Fa%2Fb&version=3&withDecryption=true'), expected);
    assert.deepEqual(parseRoute('/systemsmanager/parameters/get/?name=%2Fa%2Fb&version=3&withDecryption=true'), expected);
  });

  test('path style /v1/<id> decodes the id', () => {
    assert.deepEqual(parseRoute('/v1/My/Test%2Bx?versionStage=AWSCURRENT'), {
      kind: 'secret',
      secretId: 'My/Test+x',
      versionId: undefined,
      versionStage: 'AWSCURRENT',
      refreshNow: false,
    });
  });

  const rejects: [string, number, RegExp][] = [
    ['/secretsmanager/get?secretId=a&bogus=1', 400, /unknown query parameter: bogus/],
    ['/secretsmanager/get', 400, /missing required query parameter secretId/],
    ['/secretsmanager/get?secretId=', 400, /secretId/],
    ['/secretsmanager/get?secretId=a&refreshNow=maybe', 400, /refreshNow must be true or false/],
    ['/secretsmanager/get?secretId=a&secretId=b', 400, /more than once/],
    ['/systemsmanager/parameters/get?name=a&version=1&label=x', 400, /version and label are mutually exclusive/],
    ['/systemsmanager/parameters/get?name=a&version=zero', 400, /version must be a positive whole number/],
    ['/systemsmanager/parameters/get?name=a&secretId=b', 400, /unknown query parameter: secretId/],
    ['/v1/', 400, /missing secret id/],
    ['/v1/x?secretId=y', 400, /unknown query parameter: secretId/],
    ['/secretsmanager/list', 404, /unknown path/],
  ];
  for (const [url, status, message] of rejects) {
    test(`${url} → ${status}`, () => {
      assert.throws(
        () => parseRoute(url),
        (e: any) => e.status === status && message.test(e.message),
      );
    });
  }
});

describe('cache', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };
  const value = (s: string) => async () => Buffer.from(s);

  test('hit before TTL, miss after it', async () => {
    const c = clock();
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 0, now: c.now });
    assert.equal((await cache.get('k', 1000, value('a'))).status, 'miss');
    assert.equal((await cache.get('k', 1000, value('b'))).status, 'hit');
    c.advance(1000);
    const after = await cache.get('k', 1000, value('b'));
    assert.equal(after.status, 'miss');
    assert.equal(after.value.toString(), 'b');
  });

  test('LRU by access: the least recently read entry is evicted', async () => {
    const cache = new ResponseCache({ maxEntries: 2, maxStaleMs: 0 });
    await cache.get('a', 60_000, value('a'));
    await cache.get('b', 60_000, value('b'));
    assert.equal((await cache.get('a', 60_000, value('x'))).status, 'hit'); // a is now most recent
    await cache.get('c', 60_000, value('c')); // evicts b
    assert.equal(cache.size, 2);
    assert.equal(cache.evictions, 1);
    assert.equal((await cache.get('a', 60_000, value('x'))).status, 'hit');
    assert.equal((await cache.get('b', 60_000, value('b2'))).status, 'miss');
  });

  test('LRU by access holds when the newest key is hit again and again (no re-insertion then)', async () => {
    const cache = new ResponseCache({ maxEntries: 2, maxStaleMs: 0 });
    await cache.get('a', 60_000, value('a'));
    await cache.get('b', 60_000, value('b'));
    assert.equal(cache.peek('b')?.toString(), 'b'); // already the newest
    assert.equal(cache.peek('b')?.toString(), 'b');
    assert.equal(cache.peek('a')?.toString(), 'a'); // a becomes the newest
    assert.equal(cache.peek('a')?.toString(), 'a');
    await cache.get('c', 60_000, value('c')); // evicts b, the least recently read
    assert.equal(cache.peek('b'), undefined);
    assert.equal(cache.peek('a')?.toString(), 'a');
    await cache.get('d', 60_000, value('d')); // evicts c: a was read after c was stored
    assert.equal(cache.peek('c'), undefined);
    assert.equal(cache.peek('a')?.toString(), 'a');
    cache.clear();
    await cache.get('e', 60_000, value('e'));
    await cache.get('f', 60_000, value('f'));
    assert.equal(cache.peek('e')?.toString(), 'e');
    await cache.get('g', 60_000, value('g')); // evicts f
    assert.equal(cache.peek('f'), undefined);
    assert.equal(cache.peek('e')?.toString(), 'e');
  });

  test('single-flight: concurrent misses share one fetch, also with caching off', async () => {
    for (const maxEntries of [10, 0]) {
      const cache = new ResponseCache({ maxEntries, maxStaleMs: 0 });
      let calls = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const fetch = async () => {
        calls++;
        await gate;
        return Buffer.from('v');
      };
      const all = Promise.all(Array.from({ length: 50 }, () => cache.get('k', 1000, fetch)));
      release();
      const results = await all;
      assert.equal(calls, 1);
      assert.ok(results.every((r) => r.value.toString() === 'v'));
      assert.equal(cache.size, maxEntries ? 1 : 0);
    }
  });

  test('errors are never cached; transient errors serve a stale entry within the bound only', async () => {
    const c = clock();
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 5000, now: c.now });
    const transient = async (): Promise<Buffer> => {
      throw new UpstreamError('network', 'ConnectionError', 'down');
    };
    const clientError = async (): Promise<Buffer> => {
      throw new UpstreamError('client', 'ResourceNotFoundException', 'gone');
    };
    await assert.rejects(cache.get('k', 1000, transient), /down/);
    assert.equal(cache.size, 0);
    await cache.get('k', 1000, value('v1'));
    c.advance(2000); // expired, but fetched 2 s ago < 5 s bound
    const stale = await cache.get('k', 1000, transient);
    assert.equal(stale.status, 'stale');
    assert.equal(stale.value.toString(), 'v1');
    await assert.rejects(cache.get('k', 1000, clientError), /gone/); // a client error is an answer: no stale
    c.advance(3000); // now 5 s old: past the bound
    await assert.rejects(cache.get('k', 1000, transient), /down/);
  });

  test('refreshNow replaces a fresh entry', async () => {
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 0 });
    await cache.get('k', 60_000, value('old'));
    const refreshed = await cache.get('k', 60_000, value('new'), true);
    assert.equal(refreshed.status, 'refresh');
    assert.equal((await cache.get('k', 60_000, value('x'))).value.toString(), 'new');
  });

  test('refresh-ahead: a hit in the last tenth of the TTL renews the entry in the background, once', async () => {
    const c = clock();
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 0, now: c.now });
    let calls = 0;
    const fetch = async () => Buffer.from(`v${++calls}`);
    await cache.get('k', 1000, fetch);
    c.advance(800);
    assert.equal((await cache.get('k', 1000, fetch)).status, 'hit');
    assert.equal(calls, 1); // not yet in the last tenth
    assert.equal(cache.peek('k')?.toString(), 'v1'); // the synchronous hit path
    c.advance(150); // 950 ms old
    assert.equal(cache.peek('k'), undefined); // due for refresh-ahead: left to get()
    const near = await cache.get('k', 1000, fetch);
    assert.equal(near.status, 'hit');
    assert.equal(near.value.toString(), 'v1'); // answered from the cache
    await new Promise((r) => setImmediate(r));
    assert.equal(calls, 2);
    assert.equal(cache.refreshAheads, 1);
    c.advance(100); // past the first expiry: the renewed entry answers
    const renewed = await cache.get('k', 1000, fetch);
    assert.equal(renewed.status, 'hit');
    assert.equal(renewed.value.toString(), 'v2');
    assert.equal(calls, 2);
  });

  test('refresh-ahead starts exactly at 9/10 of the TTL, in get() and in peek()', async () => {
    const c = clock();
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 0, now: c.now });
    let calls = 0;
    const fetch = async () => Buffer.from(`v${++calls}`);
    await cache.get('k', 1000, fetch);
    c.advance(899);
    assert.equal(cache.peek('k')?.toString(), 'v1');
    c.advance(1); // exactly 900 ms old
    assert.equal(cache.peek('k'), undefined);
    assert.equal((await cache.get('k', 1000, fetch)).status, 'hit');
    assert.equal(cache.refreshAheads, 1);
  });

  test('an entry too old to be served stale again is dropped after a failed fetch, and only then', async () => {
    const c = clock();
    const transient = async (): Promise<Buffer> => {
      throw new UpstreamError('network', 'ConnectionError', 'down');
    };
    const clientError = async (): Promise<Buffer> => {
      throw new UpstreamError('client', 'ResourceNotFoundException', 'gone');
    };
    // TTL 1 s, stale bound 5 s.
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 5000, now: c.now });
    await cache.get('k', 1000, value('v1'));
    c.advance(4999); // expired, inside the bound: a failure keeps the entry
    await assert.rejects(cache.get('k', 1000, clientError), { message: 'gone' });
    assert.equal(cache.size, 1);
    c.advance(1); // exactly at the bound: dropped
    await assert.rejects(cache.get('k', 1000, transient), { message: 'down' });
    assert.equal(cache.size, 0);
    // TTL 10 s, stale bound 1 s: past the bound but not expired (a failed refreshNow) keeps the entry.
    const long = new ResponseCache({ maxEntries: 10, maxStaleMs: 1000, now: c.now });
    await long.get('k', 10_000, value('v1'));
    c.advance(8999); // before the refresh-ahead window, so the hit below starts no fetch
    await assert.rejects(long.get('k', 10_000, transient, true), { message: 'down' });
    assert.equal(long.size, 1);
    assert.equal((await long.get('k', 10_000, value('x'))).value.toString(), 'v1');
    c.advance(1001); // exactly expired, past the bound: dropped
    await assert.rejects(long.get('k', 10_000, transient), { message: 'down' });
    assert.equal(long.size, 0);
  });

  test('put() stores a prefetched value with its TTL; clear() empties the cache', async () => {
    const c = clock();
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 0, now: c.now });
    cache.put('k', Buffer.from('prefetched'), 1000);
    assert.equal(cache.peek('k')?.toString(), 'prefetched');
    assert.equal((await cache.get('k', 1000, value('x'))).status, 'hit');
    cache.clear();
    assert.equal(cache.size, 0);
    assert.equal(cache.peek('k'), undefined);
  });

  test('TTL 0 never stores', async () => {
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 0 });
    await cache.get('k', 0, value('a'));
    assert.equal((await cache.get('k', 0, value('b'))).status, 'miss');
    assert.equal(cache.size, 0);
  });
});

describe('responses', () => {
  test('secret body has every field, nulls kept, RFC 3339 date, ResultMetadata', () => {
    const body = JSON.parse(
      secretBody({
        ARN: 'arn:x',
        Name: 'n',
        VersionId: 'v',
        SecretString: 's',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1668586960.499,
      }).toString(),
    );
    assert.deepEqual(body, {
      ARN: 'arn:x',
      CreatedDate: '2022-11-16T08:22:40.499Z',
      Name: 'n',
      SecretBinary: null,
      SecretString: 's',
      VersionId: 'v',
      VersionStages: ['AWSCURRENT'],
      ResultMetadata: {},
    });
  });

  test('parameter body wraps Parameter with nulls kept', () => {
    const body = JSON.parse(
      parameterBody({
        Name: '/a',
        Type: 'String',
        Value: 'x',
        Version: 1,
        LastModifiedDate: 1668586960,
        DataType: 'text',
        ARN: 'arn:p',
      }).toString(),
    );
    assert.deepEqual(body, {
      Parameter: {
        ARN: 'arn:p',
        DataType: 'text',
        LastModifiedDate: '2022-11-16T08:22:40Z',
        Name: '/a',
        Selector: null,
        SourceResult: null,
        Type: 'String',
        Value: 'x',
        Version: 1,
      },
      ResultMetadata: {},
    });
  });

  test('RFC 3339 drops trailing zeros like Go', () => {
    assert.equal(rfc3339(1668586960.49), '2022-11-16T08:22:40.49Z');
    assert.equal(rfc3339(1668586960.5), '2022-11-16T08:22:40.5Z');
    assert.equal(rfc3339(1668586960.05), '2022-11-16T08:22:40.05Z');
    assert.equal(rfc3339(1668586960.123), '2022-11-16T08:22:40.123Z');
    assert.equal(rfc3339(1668586960), '2022-11-16T08:22:40Z', 'a whole second has no fraction');
    assert.equal(rfc3339(1577836800), '2020-01-01T00:00:00Z', 'zeros before the fraction stay');
    assert.equal(rfc3339(undefined), null);
  });
});

describe('upstream error classification', () => {
  test('client errors keep their code; throttling and 5xx are transient', () => {
    const notFound = errorFromResponse(400, { __type: 'ResourceNotFoundException', message: 'x' });
    assert.equal(notFound.status, 400);
    assert.equal(notFound.code, 'ResourceNotFoundException');
    assert.equal(notFound.transient, false);
    const throttled = errorFromResponse(400, { __type: 'com.amazonaws.secretsmanager#ThrottlingException', message: 'slow down' });
    assert.equal(throttled.code, 'ThrottlingException');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.transient, true);
    const server = errorFromResponse(500, { __type: 'InternalServiceError', Message: 'oops' });
    assert.equal(server.status, 502);
    assert.equal(server.message, 'oops');
    assert.equal(server.transient, true);
  });
});

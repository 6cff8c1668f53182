// End to end: `parasol serve` (the upstream) and `parasol extension` as real
// processes over real sockets; data written with the AWS SDK v3, read through
// the extension's HTTP API.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readBody } from '../../../test-support/bodies.js';
import {
  type ExtensionProcess,
  type GatedUpstream,
  startExtension,
  startGatedUpstream,
  upstreamCalls,
} from '../../../test-support/extension.js';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';

const SECRET_VALUE = 'hunter2-very-secret-value';
const SECRET_V2 = 'rotated-secret-value-v2';
const BINARY = Buffer.from([0, 1, 2, 250, 251, 252]);
const PARAM_SECURE = 'secure-parameter-plaintext';
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let serve: ServeProcess;
let ext: ExtensionProcess;
let sm: SecretsManagerClient;
let ssm: SSMClient;

const get = (path: string, headers: Record<string, string> = ext.headers, target = ext) => fetch(`${target.url}${path}`, { headers });
async function json(path: string, target = ext) {
  const res = await get(path, target.headers, target);
  return {
    status: res.status,
    cache: res.headers.get('x-parasol-cache'),
    type: res.headers.get('content-type'),
    body: await readBody(res),
  };
}

/** A cache counter from /metrics: `hits` or `misses`. */
async function cacheMetric(target: ExtensionProcess, which: 'hits' | 'misses'): Promise<number> {
  const text = await (await get('/metrics', target.headers, target)).text();
  const m = text.match(new RegExp(`^parasol_cache_${which}_total (\\d+)$`, 'm'));
  assert.ok(m, `parasol_cache_${which}_total in /metrics`);
  return Number(m[1]);
}

/**
 * `n` concurrent GETs of `path`, each on its own connection. The gate opens only
 * once every request has been written, the first has reached the upstream, and
 * the extension had a moment to read the rest: all `n` are then waiting on one answer.
 */
async function stampede(target: ExtensionProcess, gated: GatedUpstream, path: string, n: number) {
  const written: Promise<void>[] = [];
  const answers = Array.from({ length: n }, () => {
    let sent!: () => void;
    written.push(new Promise<void>((r) => (sent = r)));
    return new Promise<{ status: number; cache: string | undefined; body: Record<string, unknown> }>((resolve, reject) => {
      const req = request(`${target.url}${path}`, { headers: target.headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, cache: res.headers['x-parasol-cache'] as string, body: JSON.parse(text) }),
        );
      });
      req.on('error', reject);
      req.on('finish', sent);
      req.end();
    });
  });
  await Promise.all(written);
  await gated.waitForCalls(1);
  await new Promise((r) => setTimeout(r, 500));
  gated.release();
  return Promise.all(answers);
}

before(async () => {
  serve = await startServe();
  ext = await startExtension({ upstreamUrl: serve.url, env: { PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'debug' } });
  sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  await sm.send(new CreateSecretCommand({ Name: 'app/db-password', SecretString: SECRET_VALUE }));
  await sm.send(new PutSecretValueCommand({ SecretId: 'app/db-password', SecretString: SECRET_V2 }));
  await sm.send(new CreateSecretCommand({ Name: 'app/binary', SecretBinary: BINARY }));
  await sm.send(new CreateSecretCommand({ Name: 'refresh-me', SecretString: 'before' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/url', Value: 'https://example.test', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/url', Value: 'https://v2.example.test', Type: 'String', Overwrite: true }));
  await ssm.send(new LabelParameterVersionCommand({ Name: '/app/url', ParameterVersion: 1, Labels: ['Blue'] }));
  await ssm.send(new PutParameterCommand({ Name: '/app/api-key', Value: PARAM_SECURE, Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: 'hosts', Value: 'a,b,c', Type: 'StringList' }));
});

after(async () => {
  await ext?.stop();
  await serve?.stop();
});

describe('Secrets Manager route', () => {
  test('200 body has the AWS extension shape and matches GetSecretValue', async () => {
    const sdk = await sm.send(new GetSecretValueCommand({ SecretId: 'app/db-password' }));
    const first = await json('/secretsmanager/get?secretId=app%2Fdb-password');
    assert.equal(first.status, 200);
    assert.equal(first.cache, 'miss');
    assert.match(first.type ?? '', /application\/json/);
    assert.deepEqual(Object.keys(first.body), [
      'ARN',
      'CreatedDate',
      'Name',
      'SecretBinary',
      'SecretString',
      'VersionId',
      'VersionStages',
      'ResultMetadata',
    ]);
    assert.equal(first.body.ARN, sdk.ARN);
    assert.equal(first.body.Name, 'app/db-password');
    assert.equal(first.body.SecretString, SECRET_V2);
    assert.equal(first.body.SecretBinary, null);
    assert.equal(first.body.VersionId, sdk.VersionId);
    assert.deepEqual(first.body.VersionStages, ['AWSCURRENT']);
    assert.match(first.body.CreatedDate, RFC3339);
    assert.equal(new Date(first.body.CreatedDate).getTime(), sdk.CreatedDate!.getTime());
    assert.deepEqual(first.body.ResultMetadata, {});
    const second = await json('/secretsmanager/get?secretId=app%2Fdb-password');
    assert.equal(second.cache, 'hit');
    assert.deepEqual(second.body, first.body);
  });

  test('by ARN, by versionStage=AWSPREVIOUS and by versionId', async () => {
    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'app/db-password' }));
    const byArn = await json(`/secretsmanager/get?secretId=${encodeURIComponent(current.ARN!)}`);
    assert.equal(byArn.status, 200);
    assert.equal(byArn.body.SecretString, SECRET_V2);
    const previous = await json('/secretsmanager/get?secretId=app%2Fdb-password&versionStage=AWSPREVIOUS');
    assert.equal(previous.body.SecretString, SECRET_VALUE);
    assert.deepEqual(previous.body.VersionStages, ['AWSPREVIOUS']);
    const byId = await json(`/secretsmanager/get?secretId=app%2Fdb-password&versionId=${previous.body.VersionId}`);
    assert.equal(byId.body.SecretString, SECRET_VALUE);
    const both = await json(`/secretsmanager/get?secretId=app%2Fdb-password&versionId=${current.VersionId}&versionStage=AWSCURRENT`);
    assert.equal(both.body.SecretString, SECRET_V2);
  });

  test('binary secret: SecretBinary base64, SecretString null', async () => {
    const r = await json('/secretsmanager/get?secretId=app%2Fbinary');
    assert.equal(r.status, 200);
    assert.equal(r.body.SecretString, null);
    assert.deepEqual(Buffer.from(r.body.SecretBinary, 'base64'), BINARY);
  });

  test('the Agent path style /v1/<secretId>', async () => {
    const r = await json('/v1/app/db-password?versionStage=AWSPREVIOUS');
    assert.equal(r.status, 200);
    assert.equal(r.body.SecretString, SECRET_VALUE);
  });

  test('upstream client error keeps its code with 400', async () => {
    const r = await json('/secretsmanager/get?secretId=does-not-exist');
    assert.equal(r.status, 400);
    assert.equal(r.body.__type, 'ResourceNotFoundException');
    assert.equal(typeof r.body.message, 'string');
  });

  test('refreshNow=true fetches fresh and replaces the entry', async () => {
    assert.equal((await json('/secretsmanager/get?secretId=refresh-me')).body.SecretString, 'before');
    await sm.send(new PutSecretValueCommand({ SecretId: 'refresh-me', SecretString: 'after' }));
    const cached = await json('/secretsmanager/get?secretId=refresh-me');
    assert.equal(cached.cache, 'hit');
    assert.equal(cached.body.SecretString, 'before');
    const refreshed = await json('/secretsmanager/get?secretId=refresh-me&refreshNow=true');
    assert.equal(refreshed.cache, 'refresh');
    assert.equal(refreshed.body.SecretString, 'after');
    const next = await json('/secretsmanager/get?secretId=refresh-me');
    assert.equal(next.cache, 'hit');
    assert.equal(next.body.SecretString, 'after');
  });
});

describe('Parameter Store route', () => {
  test('String parameter, with and without the trailing slash', async () => {
    for (const path of ['/systemsmanager/parameters/get?name=%2Fapp%2Furl', '/systemsmanager/parameters/get/?name=%2Fapp%2Furl']) {
      const r = await json(path);
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.body), ['Parameter', 'ResultMetadata']);
      assert.deepEqual(Object.keys(r.body.Parameter), [
        'ARN',
        'DataType',
        'LastModifiedDate',
        'Name',
        'Selector',
        'SourceResult',
        'Type',
        'Value',
        'Version',
      ]);
      assert.equal(r.body.Parameter.Name, '/app/url');
      assert.equal(r.body.Parameter.Type, 'String');
      assert.equal(r.body.Parameter.Value, 'https://v2.example.test');
      assert.equal(r.body.Parameter.Version, 2);
      assert.equal(r.body.Parameter.Selector, null);
      assert.equal(r.body.Parameter.SourceResult, null);
      assert.match(r.body.Parameter.LastModifiedDate, RFC3339);
      assert.deepEqual(r.body.ResultMetadata, {});
    }
  });

  test('version and label select a version (Selector set)', async () => {
    const v1 = await json('/systemsmanager/parameters/get?name=%2Fapp%2Furl&version=1');
    assert.equal(v1.body.Parameter.Value, 'https://example.test');
    assert.equal(v1.body.Parameter.Selector, ':1');
    const blue = await json('/systemsmanager/parameters/get?name=%2Fapp%2Furl&label=Blue');
    assert.equal(blue.body.Parameter.Value, 'https://example.test');
    assert.equal(blue.body.Parameter.Selector, ':Blue');
  });

  test('by ARN', async () => {
    const plain = await json('/systemsmanager/parameters/get?name=%2Fapp%2Furl');
    const byArn = await json(`/systemsmanager/parameters/get?name=${encodeURIComponent(plain.body.Parameter.ARN)}`);
    assert.equal(byArn.status, 200);
    assert.equal(byArn.body.Parameter.Value, 'https://v2.example.test');
  });

  test('SecureString: decrypted only with withDecryption=true; cached separately', async () => {
    const encrypted = await json('/systemsmanager/parameters/get?name=%2Fapp%2Fapi-key');
    assert.equal(encrypted.body.Parameter.Type, 'SecureString');
    assert.notEqual(encrypted.body.Parameter.Value, PARAM_SECURE);
    const decrypted = await json('/systemsmanager/parameters/get?name=%2Fapp%2Fapi-key&withDecryption=true');
    assert.equal(decrypted.cache, 'miss');
    assert.equal(decrypted.body.Parameter.Value, PARAM_SECURE);
    const explicitFalse = await json('/systemsmanager/parameters/get?name=%2Fapp%2Fapi-key&withDecryption=false');
    assert.equal(explicitFalse.cache, 'hit');
    assert.notEqual(explicitFalse.body.Parameter.Value, PARAM_SECURE);
  });

  test('StringList value comma-joined', async () => {
    const r = await json('/systemsmanager/parameters/get?name=hosts');
    assert.equal(r.body.Parameter.Type, 'StringList');
    assert.equal(r.body.Parameter.Value, 'a,b,c');
  });

  test('/aws/reference/secretsmanager/<id> returns the secret as a SecureString', async () => {
    const r = await json('/systemsmanager/parameters/get?name=%2Faws%2Freference%2Fsecretsmanager%2Fapp%2Fdb-password&withDecryption=true');
    assert.equal(r.status, 200);
    assert.equal(r.body.Parameter.Type, 'SecureString');
    assert.equal(r.body.Parameter.Value, SECRET_V2);
    assert.equal(typeof r.body.Parameter.SourceResult, 'string');
    const previous = await json(
      '/systemsmanager/parameters/get?name=%2Faws%2Freference%2Fsecretsmanager%2Fapp%2Fdb-password&label=AWSPREVIOUS&withDecryption=true',
    );
    assert.equal(previous.body.Parameter.Value, SECRET_VALUE);
  });

  test('refreshNow on the parameter and /v1 routes', async () => {
    assert.equal((await json('/systemsmanager/parameters/get?name=hosts')).cache !== null, true);
    const refreshed = await json('/systemsmanager/parameters/get?name=hosts&refreshNow=true');
    assert.equal(refreshed.cache, 'refresh');
    assert.equal(refreshed.body.Parameter.Value, 'a,b,c');
    assert.equal((await json('/v1/app/db-password?refreshNow=1')).cache, 'refresh');
  });

  test('missing parameter → 400 ParameterNotFound', async () => {
    const r = await json('/systemsmanager/parameters/get?name=%2Fno%2Fsuch');
    assert.equal(r.status, 400);
    assert.equal(r.body.__type, 'ParameterNotFound');
  });
});

describe('request checks', () => {
  test('/ping needs no token and answers healthy', async () => {
    const res = await get('/ping', {});
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'healthy');
  });

  test('missing token → 401, wrong token → 403, on every route but /ping', async () => {
    for (const path of [
      '/secretsmanager/get?secretId=app%2Fdb-password',
      '/systemsmanager/parameters/get?name=hosts',
      '/v1/x',
      '/metrics',
      '/nope',
    ]) {
      const missing = await get(path, {});
      assert.equal(missing.status, 401, path);
      assert.equal((await readBody(missing)).__type, 'MissingTokenException');
      const wrong = await get(path, { 'X-Aws-Parameters-Secrets-Token': `${ext.token}x` });
      assert.equal(wrong.status, 403, path);
      assert.equal((await readBody(wrong)).__type, 'InvalidTokenException');
    }
  });

  test('any X-Forwarded-For → 400, even with the right token', async () => {
    const res = await get('/secretsmanager/get?secretId=app%2Fdb-password', { ...ext.headers, 'X-Forwarded-For': '10.0.0.1' });
    assert.equal(res.status, 400);
    assert.equal((await readBody(res)).__type, 'ForwardedRequestException');
  });

  test('headers are matched whatever their case; a token sent twice never matches', async () => {
    // Raw requests: fetch would lower-case the names and refuse duplicates.
    const raw = (lines: string[]) =>
      new Promise<string>((resolve, reject) => {
        const u = new URL(ext.url);
        const socket = connect(Number(u.port), u.hostname, () =>
          socket.end(
            `GET /secretsmanager/get?secretId=app%2Fdb-password HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n${lines.join('\r\n')}\r\n\r\n`,
          ),
        );
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.on('end', () => resolve(text.split('\r\n')[0]));
        socket.on('error', reject);
      });
    assert.equal(await raw([`X-AWS-PARAMETERS-SECRETS-TOKEN: ${ext.token}`]), 'HTTP/1.1 200 OK');
    assert.equal(await raw([`x-aws-parameters-secrets-token: ${ext.token}`, 'x-FORWARDED-for: 10.0.0.1']), 'HTTP/1.1 400 Bad Request');
    assert.equal(
      await raw([`X-Aws-Parameters-Secrets-Token: ${ext.token}`, `X-Aws-Parameters-Secrets-Token: ${ext.token}`]),
      'HTTP/1.1 403 Forbidden',
    );
    assert.equal(await raw(['X-Aws-Parameters-Secrets-Token: ']), 'HTTP/1.1 401 Unauthorized');
  });

  test('non-GET → 405 with Allow: GET, /ping included', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']) {
      for (const path of ['/secretsmanager/get?secretId=x', '/ping']) {
        const res = await fetch(`${ext.url}${path}`, { method, headers: ext.headers });
        assert.equal(res.status, 405, `${method} ${path}`);
        assert.equal(res.headers.get('allow'), 'GET');
      }
    }
  });

  test('unknown path → 404; unknown parameter and version+label → 400 naming them', async () => {
    const notFound = await json('/secretsmanager/list');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.body.__type, 'NotFoundException');
    const unknown = await json('/secretsmanager/get?secretId=x&secretID=y');
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message, /unknown query parameter: secretID/);
    const both = await json('/systemsmanager/parameters/get?name=hosts&version=1&label=Blue');
    assert.equal(both.status, 400);
    assert.match(both.body.message, /version and label/);
  });

  test('/metrics is Prometheus text with hits, misses, evictions and upstream calls by API and outcome', async () => {
    const res = await get('/metrics');
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^parasol_cache_hits_total [1-9]\d*$/m);
    assert.match(text, /^parasol_cache_misses_total [1-9]\d*$/m);
    assert.match(text, /^parasol_cache_evictions_total 0$/m);
    assert.match(text, /^parasol_upstream_requests_total\{api="GetSecretValue",outcome="success"\} [1-9]\d*$/m);
    assert.match(text, /^parasol_upstream_requests_total\{api="GetSecretValue",outcome="client_error"\} [1-9]\d*$/m);
    assert.match(text, /^parasol_upstream_requests_total\{api="GetParameter",outcome="success"\} [1-9]\d*$/m);
    assert.match(text, /^parasol_upstream_latency_seconds_count\{api="GetParameter",outcome="success"\} [1-9]\d*$/m);
  });
});

describe('cache behaviour', () => {
  // Behind a fake slow upstream (a gate in front of parasol serve) all 100 requests are in
  // the extension before any answer exists, so every one is a real miss: without
  // single-flight each would make its own upstream call.
  test('100 concurrent misses for one key behind a slow upstream → 100 misses, exactly 1 upstream call', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'stampede', SecretString: 'one' }));
    const gated = await startGatedUpstream(serve.url);
    const cold = await startExtension({ upstreamUrl: gated.url });
    try {
      const results = await stampede(cold, gated, '/secretsmanager/get?secretId=stampede', 100);
      assert.deepEqual(
        results.map((r) => `${r.status} ${r.cache} ${r.body.SecretString}`),
        Array(100).fill('200 miss one'),
      );
      assert.equal(gated.calls, 1);
      assert.equal(await upstreamCalls(cold, 'GetSecretValue'), 1);
      assert.equal(await cacheMetric(cold, 'misses'), 100);
      assert.equal(await cacheMetric(cold, 'hits'), 0);
      assert.equal((await json('/secretsmanager/get?secretId=stampede', cold)).cache, 'hit');
    } finally {
      await cold.stop();
      await gated.stop();
    }
  });

  test('single-flight also with caching off (100 concurrent misses → 1 upstream call); nothing is cached', async () => {
    const gated = await startGatedUpstream(serve.url);
    const off = await startExtension({ upstreamUrl: gated.url, env: { PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'FALSE' } });
    try {
      const results = await stampede(off, gated, '/secretsmanager/get?secretId=stampede', 100);
      assert.ok(results.every((r) => r.status === 200 && r.cache === 'miss'));
      assert.equal(gated.calls, 1);
      assert.equal(await upstreamCalls(off, 'GetSecretValue'), 1);
      assert.equal(await cacheMetric(off, 'misses'), 100);
      assert.equal((await json('/secretsmanager/get?secretId=stampede', off)).cache, 'miss');
      assert.equal(gated.calls, 2);
      assert.equal(await upstreamCalls(off, 'GetSecretValue'), 2);
    } finally {
      await off.stop();
      await gated.stop();
    }
  });

  test('TTL expiry: hit within the TTL, fresh value after it', async () => {
    const short = await startExtension({ upstreamUrl: serve.url, env: { SECRETS_MANAGER_TTL: '1', SSM_PARAMETER_STORE_TTL: '1' } });
    try {
      await sm.send(new CreateSecretCommand({ Name: 'ttl-secret', SecretString: 'v1' }));
      assert.equal((await json('/secretsmanager/get?secretId=ttl-secret', short)).cache, 'miss');
      assert.equal((await json('/secretsmanager/get?secretId=ttl-secret', short)).cache, 'hit');
      assert.equal((await json('/systemsmanager/parameters/get?name=hosts', short)).cache, 'miss');
      await sm.send(new PutSecretValueCommand({ SecretId: 'ttl-secret', SecretString: 'v2' }));
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await json('/secretsmanager/get?secretId=ttl-secret', short);
      assert.equal(expired.cache, 'miss');
      assert.equal(expired.body.SecretString, 'v2');
      assert.equal((await json('/systemsmanager/parameters/get?name=hosts', short)).cache, 'miss');
    } finally {
      await short.stop();
    }
  });

  test('LRU eviction at size N: the least recently read entry goes', async () => {
    const small = await startExtension({ upstreamUrl: serve.url, env: { PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '2' } });
    try {
      const sec = (id: string) => json(`/secretsmanager/get?secretId=${encodeURIComponent(id)}`, small);
      await sec('app/db-password'); // A
      await sec('app/binary'); // B
      assert.equal((await sec('app/db-password')).cache, 'hit'); // A most recent
      await json('/systemsmanager/parameters/get?name=hosts', small); // C evicts B
      assert.equal((await sec('app/db-password')).cache, 'hit');
      assert.equal((await sec('app/binary')).cache, 'miss');
      const metrics = await (await get('/metrics', small.headers, small)).text();
      assert.match(metrics, /^parasol_cache_evictions_total 2$/m);
      assert.match(metrics, /^parasol_cache_entries 2$/m);
    } finally {
      await small.stop();
    }
  });
});

describe('prefetch', () => {
  test('PARASOL_PREFETCH_SECRETS and PARASOL_PREFETCH_PARAMETERS (names and recursive paths) are cached before the first request', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/prefetch/a/one', Value: '1', Type: 'String' }));
    await ssm.send(new PutParameterCommand({ Name: '/prefetch/a/deep/two', Value: 'two-secret', Type: 'SecureString' }));
    const warm = await startExtension({
      upstreamUrl: serve.url,
      env: { PARASOL_PREFETCH_SECRETS: 'app/db-password,does-not-exist', PARASOL_PREFETCH_PARAMETERS: 'hosts,/prefetch/a/' },
    });
    try {
      // Standalone, the server listens first and prefetches right after; wait for its summary line.
      // Under load it may finish after its 1 s bound, in the background: wait for the line that says it is done.
      for (let i = 0; i < 300 && !/prefetch: \d+ of \d+ loaded in/.test(warm.output()); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(warm.output(), /prefetch: 3 of 4 loaded/);
      assert.match(warm.output(), /"msg":"prefetch failed","secret":"does-not-exist","error":"ResourceNotFoundException"/);
      const secret = await json('/secretsmanager/get?secretId=app%2Fdb-password', warm);
      assert.equal(secret.cache, 'hit');
      assert.equal(secret.body.SecretString, SECRET_V2);
      assert.equal((await json('/systemsmanager/parameters/get?name=hosts', warm)).cache, 'hit');
      assert.equal((await json('/systemsmanager/parameters/get?name=%2Fprefetch%2Fa%2Fone', warm)).cache, 'hit');
      const deep = await json('/systemsmanager/parameters/get?name=%2Fprefetch%2Fa%2Fdeep%2Ftwo&withDecryption=true', warm);
      assert.equal(deep.cache, 'hit');
      assert.equal(deep.body.Parameter.Value, 'two-secret');
      // A SecureString was prefetched decrypted only: the encrypted form is a miss.
      assert.equal((await json('/systemsmanager/parameters/get?name=%2Fprefetch%2Fa%2Fdeep%2Ftwo', warm)).cache, 'miss');
      assert.equal(warm.output().includes('two-secret'), false);
    } finally {
      await warm.stop();
    }
  });
});

describe('logs', () => {
  test('no log line at any level contains a secret value or the token', async () => {
    const output = ext.output();
    assert.match(output, /"level":"debug"/); // the debug level really was on
    for (const secret of [SECRET_VALUE, SECRET_V2, PARAM_SECURE, 'before', 'after', BINARY.toString('base64'), ext.token]) {
      assert.equal(output.includes(secret), false, 'a secret or the token appears in the log');
    }
  });
});

/** An id that would forge a log line and drive a terminal if written raw: LF, a JSON object, ESC[31m, NEL (C1), U+2028. */
const FORGING_ID = 'x\n{"level":"error","msg":"forged"}\u001b[31m\u0085\u2028';
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe('log escaping', () => {
  test('JSON lines (off a terminal): a %0A/%1B secretId at debug stays inside one line, escaped', async () => {
    const before = ext.output().length;
    const res = await fetch(`${ext.url}/secretsmanager/get?secretId=${encodeURIComponent(FORGING_ID)}`, { headers: ext.headers });
    assert.equal(res.status, 400);
    const lines = await linesAfter(ext, before, /"route":"\/secretsmanager\/get"/);
    for (const line of lines) {
      const record = JSON.parse(line); // each line is exactly one JSON object
      for (const value of Object.values(record)) assert.doesNotMatch(String(value), CONTROL_CHARACTER);
    }
    const request = lines.map((l) => JSON.parse(l)).find((r) => r.msg === 'request');
    assert.equal(request.id, 'x\\n{"level":"error","msg":"forged"}\\x1b[31m\\x85\\u2028');
    assert.equal(request.level, 'debug');
    assert.equal(request.status, 400);
  });

  test('text (PARASOL_LOG_FORMAT=text): the same id gives one line, control characters written as escapes', async () => {
    const text = await startExtension({
      upstreamUrl: serve.url,
      env: { PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'debug', PARASOL_LOG_FORMAT: 'text' },
    });
    try {
      const before = text.output().length;
      const res = await fetch(`${text.url}/secretsmanager/get?secretId=${encodeURIComponent(FORGING_ID)}`, { headers: text.headers });
      assert.equal(res.status, 400);
      const lines = await linesAfter(text, before, /route=\/secretsmanager\/get/);
      const request = lines.filter((l) => l.includes('request'));
      assert.equal(request.length, 1, lines.join('\n'));
      assert.match(
        request[0],
        /^\d\d:\d\d:\d\d\.\d{3}Z DEBUG extension: request method=GET route=\/secretsmanager\/get id="x\\n\{\\"level\\":\\"error\\",\\"msg\\":\\"forged\\"\}\\x1b\[31m\\x85\\u2028" status=400 /,
      );
      for (const line of text.output().split('\n')) assert.doesNotMatch(line, CONTROL_CHARACTER);
    } finally {
      await text.stop();
    }
  });
});

/** The complete lines written after `offset`, once one of them matches `until`. */
async function linesAfter(proc: { output(): string }, offset: number, until: RegExp): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const lines = proc.output().slice(offset).split('\n').slice(0, -1);
    if (lines.some((l) => until.test(l))) return lines;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line matched ${until}:\n${proc.output().slice(offset)}`);
}

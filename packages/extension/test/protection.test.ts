// Protection and operations, with real processes: the in-flight cap against a
// FAKE hung upstream (accepts, never answers: what a stalled AWS endpoint looks
// like), negative caching and the file:// token against a real `parasol serve`.

import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readBody } from '../../../test-support/bodies.ts';
import { startExtension, upstreamCalls } from '../../../test-support/extension.js';
import { startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PARASOL_MAX_IN_FLIGHT', () => {
  test('beyond the cap: 429 ThrottlingException with Retry-After; hits and /ping still answer', async () => {
    const sockets: Socket[] = [];
    const hung = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const ext = await startExtension({
      upstreamUrl: `http://127.0.0.1:${(hung.address() as { port: number }).port}`,
      env: { PARASOL_MAX_IN_FLIGHT: '2', SECRETS_MANAGER_TIMEOUT_MILLIS: '1500' },
    });
    try {
      const get = (path: string) => fetch(`${ext.url}${path}`, { headers: ext.headers });
      const waiting = [get('/secretsmanager/get?secretId=a'), get('/secretsmanager/get?secretId=b')];
      await sleep(150);
      const turnedAway = await get('/secretsmanager/get?secretId=c');
      assert.equal(turnedAway.status, 429);
      assert.equal(turnedAway.headers.get('retry-after'), '1');
      assert.deepEqual(await turnedAway.json(), {
        __type: 'ThrottlingException',
        message: 'more than 2 requests are waiting for the upstream (PARASOL_MAX_IN_FLIGHT); retry after 1 s',
      });
      const batch = await get('/secretsmanager/batchget?secretId=x&secretId=y');
      assert.equal(batch.status, 429);
      assert.equal((await fetch(`${ext.url}/ping`)).status, 200);
      for (const r of await Promise.all(waiting)) assert.equal(r.status, 504);
      // Both answered: there is room again (this one waits, then times out like the others).
      assert.equal((await get('/secretsmanager/get?secretId=d')).status, 504);
    } finally {
      await ext.stop();
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });

  test('configuration: a cap of 0, or not a number, stops start-up', () => {
    for (const value of ['0', 'many']) {
      assert.throws(() => loadConfig({ AWS_TOKEN: 't', AWS_REGION: 'us-east-1', PARASOL_MAX_IN_FLIGHT: value }), {
        name: 'ConfigError',
        message: `PARASOL_MAX_IN_FLIGHT must be a whole number in the range 1-100000, got '${value}'`,
      });
    }
    assert.equal(loadConfig({ AWS_TOKEN: 't', AWS_REGION: 'us-east-1' }).config.maxInFlight, 100);
    assert.throws(() => loadConfig({ AWS_TOKEN: 't', AWS_REGION: 'us-east-1', PARASOL_METRICS: 'statsd' }), ConfigError);
    assert.throws(() => loadConfig({ AWS_TOKEN: 't', AWS_REGION: 'us-east-1', PARASOL_NEGATIVE_TTL_SECONDS: '301' }), ConfigError);
  });
});

describe('PARASOL_NEGATIVE_TTL_SECONDS', () => {
  test('a not-found is remembered for the TTL (one upstream call), refreshNow looks again; off by default', async () => {
    const serve = await startServe();
    const ext = await startExtension({ upstreamUrl: serve.url, env: { PARASOL_NEGATIVE_TTL_SECONDS: '30' } });
    const plain = await startExtension({ upstreamUrl: serve.url });
    try {
      const get = async (target: typeof ext, path: string) => {
        const res = await fetch(`${target.url}${path}`, { headers: target.headers });
        return { status: res.status, body: await readBody(res) };
      };
      for (let i = 0; i < 3; i++) {
        const r = await get(ext, '/secretsmanager/get?secretId=later');
        assert.equal(r.status, 400);
        assert.equal(r.body.__type, 'ResourceNotFoundException');
        await get(plain, '/secretsmanager/get?secretId=later');
      }
      assert.equal(await upstreamCalls(ext, 'GetSecretValue'), 1);
      assert.equal(await upstreamCalls(plain, 'GetSecretValue'), 3, 'off by default');
      const sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
      await sm.send(new CreateSecretCommand({ Name: 'later', SecretString: 'now-here' }));
      sm.destroy();
      assert.equal((await get(ext, '/secretsmanager/get?secretId=later')).status, 400, 'still remembered');
      const refreshed = await get(ext, '/secretsmanager/get?secretId=later&refreshNow=true');
      assert.equal(refreshed.status, 200);
      assert.equal(refreshed.body.SecretString, 'now-here');
      const param = await get(ext, '/systemsmanager/parameters/get?name=%2Fnope');
      assert.equal(param.body.__type, 'ParameterNotFound');
      await get(ext, '/systemsmanager/parameters/get?name=%2Fnope');
      assert.equal(await upstreamCalls(ext, 'GetParameter'), 1);
    } finally {
      await ext.stop();
      await plain.stop();
      await serve.stop();
    }
  });
});

describe('a file:// token', () => {
  test('is re-read when the file is replaced, and on SIGHUP; an emptied file keeps the previous token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parasol-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'first-token\n');
    const serve = await startServe();
    const ext = await startExtension({ upstreamUrl: serve.url, env: { AWS_TOKEN: `file://${file}` } });
    const status = async (token: string) =>
      (await fetch(`${ext.url}/secretsmanager/get?secretId=none`, { headers: { 'X-Aws-Parameters-Secrets-Token': token } })).status;
    const eventually = async (check: () => Promise<boolean>, what: string) => {
      for (let i = 0; i < 60; i++) {
        if (await check()) return;
        await sleep(50);
      }
      assert.fail(`timed out waiting until ${what}`);
    };
    try {
      assert.equal(await status('first-token'), 400); // accepted: the upstream says the secret does not exist
      writeFileSync(join(dir, 'token.new'), 'second-token');
      renameSync(join(dir, 'token.new'), file);
      await eventually(async () => (await status('second-token')) === 400, 'the new token is accepted');
      assert.equal(await status('first-token'), 403);

      writeFileSync(file, '');
      await eventually(async () => /token file not re-read \(file changed\)/.test(ext.output()), 'the empty file is reported');
      assert.equal(await status('second-token'), 400, 'the previous token stays');

      writeFileSync(file, 'third-token');
      ext.child.kill('SIGHUP');
      await eventually(async () => /token re-read from its file \(SIGHUP\)/.test(ext.output()), 'SIGHUP re-reads');
      assert.equal(await status('third-token'), 400);
      assert.equal(ext.child.exitCode, null, 'SIGHUP does not stop the extension');
      assert.doesNotMatch(ext.output(), /first-token|second-token|third-token/);
    } finally {
      await ext.stop();
      await serve.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Upstream faults and start-up failures, with real processes: the upstream
// stopped (stale-if-error, then 502 past PARASOL_MAX_STALE_SECONDS), a fake hung
// upstream (TCP accepted, never answered: 504 within the timeout), a fake AWS
// endpoint that throttles (AWS behaviour parasol serve does not produce), and
// configurations the extension must refuse.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { freePort, startExtension } from '../../../test-support/extension.js';
import { CLI_SOURCE, spawnTs, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('upstream faults', () => {
  test('upstream stopped: stale value within PARASOL_MAX_STALE_SECONDS, then 502', async () => {
    const serve = await startServe();
    const ext = await startExtension({ upstreamUrl: serve.url, env: { SECRETS_MANAGER_TTL: '1', PARASOL_MAX_STALE_SECONDS: '3' } });
    try {
      const sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
      await sm.send(new CreateSecretCommand({ Name: 'survivor', SecretString: 'still-here' }));
      const url = `${ext.url}/secretsmanager/get?secretId=survivor`;
      const fresh = await fetch(url, { headers: ext.headers });
      assert.equal(fresh.headers.get('x-parasol-cache'), 'miss');
      const freshBody = await fresh.text();
      const fetchedAt = Date.now();
      await serve.stop();
      await sleep(1200); // TTL (1 s) over: the next read goes upstream and fails
      const stale = await fetch(url, { headers: ext.headers });
      assert.equal(stale.status, 200);
      assert.equal(stale.headers.get('x-parasol-cache'), 'stale');
      assert.equal(await stale.text(), freshBody);
      await sleep(Math.max(0, fetchedAt + 3200 - Date.now())); // past the 3 s bound
      const gone = await fetch(url, { headers: ext.headers });
      assert.equal(gone.status, 502);
      assert.equal((await gone.json()).__type, 'ConnectionError');
      const never = await fetch(`${ext.url}/secretsmanager/get?secretId=never-cached`, { headers: ext.headers });
      assert.equal(never.status, 502);
    } finally {
      await ext.stop();
      await serve.stop();
    }
  });

  test('a fake hung upstream (accepts, never answers) → 504 within the timeout', async () => {
    const sockets: Socket[] = [];
    const hung = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(hung.address() as { port: number }).port}`;
    const ext = await startExtension({
      upstreamUrl,
      env: { SECRETS_MANAGER_TIMEOUT_MILLIS: '500', SSM_PARAMETER_STORE_TIMEOUT_MILLIS: '300' },
    });
    try {
      const started = Date.now();
      const res = await fetch(`${ext.url}/secretsmanager/get?secretId=anything`, { headers: ext.headers });
      const elapsed = Date.now() - started;
      assert.equal(res.status, 504);
      assert.equal((await res.json()).__type, 'TimeoutError');
      assert.ok(elapsed >= 450 && elapsed < 2500, `answered after ${elapsed} ms`);
      const ssm = await fetch(`${ext.url}/systemsmanager/parameters/get?name=x`, { headers: ext.headers });
      assert.equal(ssm.status, 504);
    } finally {
      await ext.stop();
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });

  test('a fake throttling AWS endpoint → 3 attempts, then 429 with the upstream code', async () => {
    let attempts = 0;
    const fake = createHttpServer((req, res) => {
      attempts++;
      req.resume();
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const ext = await startExtension({ upstreamUrl: `http://127.0.0.1:${(fake.address() as { port: number }).port}` });
    try {
      const res = await fetch(`${ext.url}/secretsmanager/get?secretId=busy`, { headers: ext.headers });
      assert.equal(res.status, 429);
      assert.deepEqual(await res.json(), { __type: 'ThrottlingException', message: 'Rate exceeded' });
      assert.equal(attempts, 3);
    } finally {
      await ext.stop();
      fake.close();
    }
  });
});

describe('start-up refusals', () => {
  const spawnExtension = async (env: NodeJS.ProcessEnv) => {
    const port = await freePort();
    const proc = spawnTs(CLI_SOURCE, ['extension'], {
      env: {
        AWS_TOKEN: '',
        AWS_SESSION_TOKEN: '',
        AWS_CONTAINER_AUTHORIZATION_TOKEN: '',
        AWS_LAMBDA_RUNTIME_API: '',
        AWS_REGION: 'us-east-1',
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
        ...env,
      },
      readyPattern: /listening on/,
    });
    return proc.then(
      async (p) => {
        await p.stop();
        return 'started';
      },
      (e: Error) => e.message,
    );
  };

  test('no token configured → exits saying which variables to set', async () => {
    const outcome = await spawnExtension({});
    assert.match(outcome, /exited with 1/);
    assert.match(outcome, /AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN/);
  });

  test('an out-of-range value → exits naming the variable and its range', async () => {
    const outcome = await spawnExtension({ AWS_TOKEN: 'x', PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: '5000' });
    assert.match(outcome, /exited with 1/);
    assert.match(outcome, /PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE must be a whole number in the range 0-1000, got '5000'/);
  });
});

// Upstream faults and start-up failures, with real processes: the upstream
// stopped (stale-if-error, then 502 past PARASOL_MAX_STALE_SECONDS), a fake hung
// upstream (TCP accepted, never answered: 504 within the timeout), a fake AWS
// endpoint that throttles (AWS behaviour parasol serve does not produce), and
// configurations the extension must refuse.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readBody } from '../../../test-support/bodies.js';
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
      assert.equal((await readBody(gone)).__type, 'ConnectionError');
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
      assert.equal((await readBody(res)).__type, 'TimeoutError');
      assert.ok(elapsed >= 450 && elapsed < 2500, `answered after ${elapsed} ms`);
      const ssm = await fetch(`${ext.url}/systemsmanager/parameters/get?name=x`, { headers: ext.headers });
      assert.equal(ssm.status, 504);
    } finally {
      await ext.stop();
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });

  test('fake AWS endpoints that throttle or fail with 5xx → 3 signed attempts, then 429 / 502 with the upstream code', async () => {
    for (const [status, type, expected] of [
      [400, 'ThrottlingException', 429],
      [500, 'InternalServiceError', 502],
    ] as const) {
      const seen: { ua?: string; auth?: string; target?: string }[] = [];
      const fake = createHttpServer((req, res) => {
        seen.push({ ua: req.headers['user-agent'], auth: req.headers.authorization, target: req.headers['x-amz-target'] as string });
        req.resume();
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: type, message: 'try later' }));
      });
      await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
      const ext = await startExtension({ upstreamUrl: `http://127.0.0.1:${(fake.address() as { port: number }).port}` });
      try {
        const res = await fetch(`${ext.url}/secretsmanager/get?secretId=busy`, { headers: ext.headers });
        assert.equal(res.status, expected);
        assert.deepEqual(await res.json(), { __type: type, message: 'try later' });
        assert.equal(seen.length, 3);
        for (const r of seen) {
          assert.match(r.ua ?? '', /^parasol\/\d+\.\d+\.\d+/);
          assert.match(r.auth ?? '', /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/secretsmanager\/aws4_request/);
          assert.equal(r.target, 'secretsmanager.GetSecretValue');
        }
      } finally {
        await ext.stop();
        fake.close();
      }
    }
  });

  test('PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS bounds the outbound pool', async () => {
    const serve = await startServe();
    const upstream = new URL(serve.url);
    let open = 0;
    let peak = 0;
    let total = 0;
    // A counting TCP relay in front of parasol serve.
    const relay = createServer((client) => {
      total++;
      peak = Math.max(peak, ++open);
      const server = connect(Number(upstream.port), upstream.hostname);
      client.pipe(server).pipe(client);
      const done = () => {
        open--;
        client.destroy();
        server.destroy();
      };
      client.once('close', done);
      server.on('error', () => client.destroy());
      client.on('error', () => server.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const ext = await startExtension({
      upstreamUrl: `http://127.0.0.1:${(relay.address() as { port: number }).port}`,
      env: { PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS: '2' },
    });
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => fetch(`${ext.url}/secretsmanager/get?secretId=missing-${i}`, { headers: ext.headers })),
      );
      assert.ok(results.every((r) => r.status === 400));
      assert.ok(total >= 1 && peak <= 2, `peak ${peak} connections (total ${total})`);
    } finally {
      await ext.stop();
      relay.close();
      await serve.stop();
    }
  });
});

describe('credentials without keys in the environment', () => {
  const noKeys = (dir: string, credentialsFile: string) => ({
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_PROFILE: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
    AWS_WEB_IDENTITY_TOKEN_FILE: '',
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
  });

  test('the standard provider chain is used (a profile file here); with nothing to find → 500 CredentialsProviderError', async () => {
    const serve = await startServe();
    const dir = mkdtempSync(join(tmpdir(), 'parasol-creds-'));
    writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = test\naws_secret_access_key = test\n');
    const withProfile = await startExtension({ upstreamUrl: serve.url, env: noKeys(dir, join(dir, 'credentials')) });
    const withNothing = await startExtension({ upstreamUrl: serve.url, env: noKeys(dir, join(dir, 'missing')) });
    try {
      const ok = await fetch(`${withProfile.url}/secretsmanager/get?secretId=absent`, { headers: withProfile.headers });
      assert.equal(ok.status, 400); // signed with the profile's keys and answered by the service
      assert.equal((await readBody(ok)).__type, 'ResourceNotFoundException');
      const none = await fetch(`${withNothing.url}/secretsmanager/get?secretId=absent`, { headers: withNothing.headers });
      assert.equal(none.status, 500);
      assert.equal((await readBody(none)).__type, 'CredentialsProviderError');
    } finally {
      await withProfile.stop();
      await withNothing.stop();
      await serve.stop();
      rmSync(dir, { recursive: true, force: true });
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

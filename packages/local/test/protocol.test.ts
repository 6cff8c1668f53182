import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateSecretCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type ErrorBody, readBody } from '../../../test-support/bodies.js';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.ts';

describe('wire protocol and auth (parasol serve, real sockets)', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe();
  });
  after(async () => {
    await serve.stop();
  });

  const post = (headers: Record<string, string>, body = '{}') =>
    fetch(`${serve.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', ...headers }, body });

  it('answers health without auth', async () => {
    const res = await fetch(`${serve.url}/_parasol/health`);
    assert.equal(res.status, 200);
    assert.equal((await readBody<{ status: string }>(res)).status, 'ok');
  });

  it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
    const res = await post({ 'x-amz-target': 'secretsmanager.ListSecrets' });
    assert.equal(res.status, 400);
    const body = await readBody<ErrorBody>(res);
    assert.equal(body.__type, 'MissingAuthenticationTokenException');
    assert.equal(body.message, 'Missing Authentication Token');
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const client = new SecretsManagerClient({
      ...TEST_CLIENT_CONFIG(serve.url),
      credentials: { accessKeyId: 'nobody', secretAccessKey: 'x' },
    });
    await assert.rejects(client.send(new ListSecretsCommand({})), { name: 'UnrecognizedClientException' });
  });

  it('refuses a wrong secret key with InvalidSignatureException', async () => {
    const client = new SecretsManagerClient({
      ...TEST_CLIENT_CONFIG(serve.url),
      credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' },
    });
    await assert.rejects(client.send(new ListSecretsCommand({})), { name: 'InvalidSignatureException' });
  });

  it('refuses reset unless started with --allow-reset', async () => {
    const res = await fetch(`${serve.url}/_parasol/reset`, { method: 'POST' });
    assert.equal(res.status, 403);
  });

  it('rejects a body over 1 MiB with a clear error and keeps serving', async () => {
    const res = await post({ 'x-amz-target': 'secretsmanager.ListSecrets' }, `{"x":"${'a'.repeat(1024 * 1024 + 10)}"}`);
    assert.equal(res.status, 413);
    assert.match((await readBody<{ Message: string }>(res)).Message, /1 MiB/);
    const health = await fetch(`${serve.url}/_parasol/health`);
    assert.equal(health.status, 200);
  });
});

describe('admin reset and the data-directory lock (parasol serve, real processes)', () => {
  it('POST /_parasol/reset with --allow-reset wipes every secret', async () => {
    const serve = await startServe(['--allow-reset']);
    try {
      const sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
      await sm.send(new CreateSecretCommand({ Name: 'to-be-wiped', SecretString: 'x' }));
      assert.equal((await sm.send(new ListSecretsCommand({}))).SecretList?.length, 1);
      const res = await fetch(`${serve.url}/_parasol/reset`, { method: 'POST' });
      assert.equal(res.status, 200);
      assert.deepEqual((await sm.send(new ListSecretsCommand({}))).SecretList ?? [], []);
      sm.destroy();
    } finally {
      await serve.stop();
    }
  });

  it('a second server on the same data directory refuses to start, saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parasol-lock-'));
    const first = await startServe(['--data', dir]);
    try {
      await assert.rejects(startServe(['--data', dir]), /is in use by another parasol process/);
      // The first one still serves.
      assert.equal((await fetch(`${first.url}/_parasol/health`)).status, 200);
    } finally {
      await first.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

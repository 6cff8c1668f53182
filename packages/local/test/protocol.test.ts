import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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
    assert.equal((await res.json()).status, 'ok');
  });

  it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
    const res = await post({ 'x-amz-target': 'secretsmanager.ListSecrets' });
    assert.equal(res.status, 400);
    const body = await res.json();
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
    assert.match((await res.json()).Message, /1 MiB/);
    const health = await fetch(`${serve.url}/_parasol/health`);
    assert.equal(health.status, 200);
  });
});

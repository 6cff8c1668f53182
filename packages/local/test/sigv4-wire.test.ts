/**
 * SigV4 as `parasol serve` enforces it, over real sockets. Every request here is
 * correctly signed except for the one rule under test (test-support/sigv4.ts), so
 * each test fails if the server stops checking that rule.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { type ServeProcess, startServe } from '../../../test-support/processes.ts';
import { rawRequest } from '../../../test-support/raw-http.ts';
import { type SignSpec, sha256Hex, signRequest } from '../../../test-support/sigv4.ts';
import { smClient, uniqueName } from './secretsmanager-support.ts';

describe('SigV4 on the wire (parasol serve)', () => {
  let serve: ServeProcess;
  let host: string;
  before(async () => {
    serve = await startServe();
    host = new URL(serve.url).host;
  });
  after(async () => {
    await serve.stop();
  });

  /** Signs `body` as `secretsmanager.<op>` with `overrides`, sends it, returns status and JSON. */
  const call = (op: string, body: string, overrides: Partial<SignSpec> = {}, tamper?: (h: Record<string, string>) => void) => {
    const headers = signRequest({
      headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${op}` },
      body,
      service: 'secretsmanager',
      ...overrides,
    });
    tamper?.(headers);
    return rawRequest(serve.url, { headers, body, path: overrides.url });
  };
  const refusedWith = (res: { status: number; body: Record<string, unknown> }, code: string, message: RegExp) => {
    assert.equal(res.body.__type, code, JSON.stringify(res.body));
    assert.equal(res.status, 400);
    assert.match(String(res.body.message), message);
  };

  it('the test signer is accepted on an ordinary request (so every refusal below is the rule under test)', async () => {
    const res = await call('ListSecrets', '{}');
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });

  describe('the body must be the one signed', () => {
    it('SDK v3 shape: a captured PutSecretValue replayed with another value of the same length is refused', async () => {
      const name = uniqueName('tamper');
      const sm = smClient(serve.url);
      await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'value-0000' }));
      // Capture what the real SDK v3 client sends (a fake endpoint that records and answers 400).
      const captured = await captureSdkRequest((endpoint) =>
        smClient(endpoint).send(
          new PutSecretValueCommand({ SecretId: name, SecretString: 'value-AAAA', ClientRequestToken: randomUUID() }),
        ),
      );
      assert.ok(captured.headers['x-amz-content-sha256'], 'the SDK v3 signs x-amz-content-sha256');
      const headers = captured.headers as Record<string, string>;
      const tampered = captured.body.replace('value-AAAA', 'value-BBBB');
      assert.equal(tampered.length, captured.body.length);

      const res = await rawRequest(serve.url, { headers, body: tampered });
      assert.equal(res.status, 400);
      assert.equal(res.body.__type, 'InvalidSignatureException');
      assert.match(String(res.body.message), /^The x-amz-content-sha256 header does not match the SHA-256 of the request body/);
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'value-0000');
      // The same capture, untouched, is a valid request: the refusal above was the body alone.
      assert.equal((await rawRequest(serve.url, { headers, body: captured.body })).status, 200);
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'value-AAAA');
      sm.destroy();
    });

    it('botocore shape: an added, unsigned x-amz-content-sha256 of the signed body does not vouch for another body', async () => {
      const name = uniqueName('tamper');
      const sm = smClient(serve.url);
      await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'value-0000' }));
      const signedBody = JSON.stringify({ SecretId: name, SecretString: 'value-AAAA', ClientRequestToken: randomUUID() });
      const headers = signRequest({
        headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.PutSecretValue' },
        body: signedBody,
        service: 'secretsmanager',
      });
      const refused = await rawRequest(serve.url, {
        headers: { ...headers, 'x-amz-content-sha256': sha256Hex(signedBody) },
        body: signedBody.replace('value-AAAA', 'value-BBBB'),
      });
      refusedWith(refused, 'InvalidSignatureException', /x-amz-content-sha256/);
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'value-0000');
      // As botocore sent it (no added header), the request is valid.
      assert.equal((await rawRequest(serve.url, { headers, body: signedBody })).status, 200);
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'value-AAAA');
      sm.destroy();
    });

    it('UNSIGNED-PAYLOAD is refused, even when the header itself is signed', async () => {
      const res = await call('ListSecrets', '{}', {
        headers: {
          host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.ListSecrets',
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        },
        payloadHash: 'UNSIGNED-PAYLOAD',
      });
      refusedWith(res, 'InvalidSignatureException', /UNSIGNED-PAYLOAD' is not accepted/);
    });
  });

  it('X-Amz-Target must be signed: a GetSecretValue signed over host;x-amz-date cannot become DeleteSecret', async () => {
    const name = uniqueName('target');
    const sm = smClient(serve.url);
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'keep-me' }));
    const res = await call('GetSecretValue', JSON.stringify({ SecretId: name }), { signedHeaders: ['host', 'x-amz-date'] }, (h) => {
      h['x-amz-target'] = 'secretsmanager.DeleteSecret';
    });
    refusedWith(res, 'InvalidSignatureException', /^Header 'x-amz-target' is present but not signed/);
    assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate, undefined);
    sm.destroy();
  });

  it('every other x-amz-* header must be signed too', async () => {
    const res = await call('ListSecrets', '{}', {}, (h) => {
      h['x-amz-security-token'] = 'added-after-signing';
    });
    refusedWith(res, 'InvalidSignatureException', /^Header 'x-amz-security-token' is present but not signed/);
  });

  it('a stale X-Amz-Date (16 minutes old) is refused', async () => {
    const res = await call('ListSecrets', '{}', { date: new Date(Date.now() - 16 * 60_000) });
    refusedWith(res, 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than .* - 15 min\.\)$/);
  });

  it('a future X-Amz-Date (16 minutes ahead) is refused', async () => {
    const res = await call('ListSecrets', '{}', { date: new Date(Date.now() + 16 * 60_000) });
    refusedWith(res, 'InvalidSignatureException', /^Signature not yet current: \d{8}T\d{6}Z is still later than .* \+ 15 min\.\)$/);
  });

  it('a credential-scope date other than the day of X-Amz-Date is refused', async () => {
    const res = await call('ListSecrets', '{}', { scopeDate: '20200101' });
    refusedWith(res, 'InvalidSignatureException', /^Date in Credential scope does not match YYYYMMDD .*'20200101' != '\d{8}'/);
  });

  it('a request that does not sign host is refused', async () => {
    const res = await call('ListSecrets', '{}', { signedHeaders: ['content-type', 'x-amz-date', 'x-amz-target'] });
    refusedWith(res, 'InvalidSignatureException', /^'Host' must be a 'SignedHeader' in the AWS Authorization\.$/);
  });

  it('a credential scoped to another service is refused', async () => {
    const res = await call('ListSecrets', '{}', { service: 'ssm' });
    refusedWith(res, 'InvalidSignatureException', /^Credential should be scoped to correct service: 'secretsmanager'\. $/);
  });

  it('the region of the credential scope is the namespace: a secret created in eu-west-1 is not in us-east-1', async () => {
    const name = uniqueName('region');
    const created = await call('CreateSecret', JSON.stringify({ Name: name, SecretString: 'v', ClientRequestToken: randomUUID() }), {
      region: 'eu-west-1',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.match(String(created.body.ARN), /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:/);
    const here = await call('DescribeSecret', JSON.stringify({ SecretId: name }), { region: 'eu-west-1' });
    assert.equal(here.status, 200);
    const elsewhere = await call('DescribeSecret', JSON.stringify({ SecretId: name }), { region: 'us-east-1' });
    assert.equal(elsewhere.status, 400);
    assert.equal(elsewhere.body.__type, 'ResourceNotFoundException');
  });

  describe('operations are looked up by their own names only', () => {
    for (const op of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      it(`secretsmanager.${op} is UnknownOperationException`, async () => {
        const res = await call(op, '{}');
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.__type, 'UnknownOperationException');
        assert.equal(res.body.Message, `The operation ${op} is not supported by parasol's local secretsmanager service.`);
      });
    }
  });

  it('malformed percent-encoding in the query is MalformedQueryString (404), not a 500', async () => {
    const res = await call('ListSecrets', '{}', { url: '/?a=%zz' });
    assert.equal(res.status, 404);
    assert.equal(res.body.__type, 'MalformedQueryString');
    assert.equal(res.body.message, 'The query string contains a syntax error: malformed percent-encoding.');
  });

  it('a signed header named after an Object.prototype member is an ordinary (absent) header, not a 500', async () => {
    const res = await call('ListSecrets', '{}', { signedHeaders: ['constructor', 'host', 'x-amz-date', 'x-amz-target'] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
});

/** Runs `send` against a throwaway endpoint that records the request and answers 400; returns what was sent. */
async function captureSdkRequest(send: (endpoint: string) => Promise<unknown>): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  let captured: { headers: IncomingHttpHeaders; body: string } | undefined;
  const fake = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{"__type":"CapturedException","message":"captured"}');
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  try {
    await send(`http://127.0.0.1:${(fake.address() as AddressInfo).port}`).catch(() => undefined);
  } finally {
    fake.close();
  }
  assert.ok(captured, 'the SDK sent nothing');
  return captured;
}
